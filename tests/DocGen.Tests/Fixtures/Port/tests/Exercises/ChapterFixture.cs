namespace Fixture.Exercises;

[Chapter(1)]
public class ChapterFixture
{
    /// <summary>Which handler does the generic table hold? <c>filemap_nopage</c>.</summary>
    [Fact]
    public void Table_HoldsFilemapNopage() { }

    // How deep does rmqueue split for order 0? Not at all.
    [Fact]
    [Chapter(0)]
    public void Rmqueue_DoesNotSplit_ForOrderZero() { }

    [Fact]
    public void ClassTag_AppliesToThisTest() { }
}

public class NotTagged
{
    [Fact]
    public void IsNoExercise() { }
}
