using LinuxVm.Mm.Include;

namespace LinuxVm.Mm.Tests.Include;

public class ListHeadTests
{
    private sealed class Item(int n)
    {
        public int N { get; } = n;
        public ListHead Node { get; } = null!;
        public Item(int n, bool link) : this(n) => Node = new ListHead(this);
    }

    [Fact]
    public void AddIsStackOrder_AddTailIsQueueOrder()
    {
        var head = new ListHead();
        var a = new Item(1, true); var b = new Item(2, true); var c = new Item(3, true);
        head.Add(a.Node);
        head.Add(b.Node);
        head.AddTail(c.Node);
        Assert.Equal([2, 1, 3], head.Entries<Item>().Select(i => i.N));
        b.Node.Del();
        Assert.Equal([1, 3], head.Entries<Item>().Select(i => i.N));
        Assert.True(b.Node.IsEmpty);
    }
}
