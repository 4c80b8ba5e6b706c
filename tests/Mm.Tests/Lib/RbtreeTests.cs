using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LinuxVm.Mm;
using LinuxVm.Mm.Lib;

namespace LinuxVm.Mm.Tests.Lib;

public class RbtreeTests
{
    // A tree of int keys built the way rbtree.h asks its users to: descend to the empty slot,
    // rb_link_node, rb_insert_color.
    private sealed class IntTree
    {
        public readonly RbRoot Root = new();
        public readonly Dictionary<int, RbNode> Nodes = [];

        public bool Insert(int key)
        {
            ref RbNode? link = ref Root.RbNode;
            RbNode? parent = null;
            while (link != null)
            {
                parent = link;
                int k = Key(parent);
                if (key < k)
                    link = ref parent.RbLeft;
                else if (key > k)
                    link = ref parent.RbRight;
                else
                    return false;
            }
            var node = new RbNode(key);
            Rbtree.LinkNode(node, parent, ref link);
            Rbtree.InsertColor(node, Root);
            Nodes[key] = node;
            return true;
        }

        public bool Erase(int key)
        {
            if (!Nodes.Remove(key, out RbNode? node))
                return false;
            Rbtree.Erase(node, Root);
            return true;
        }

        public List<int> InOrder()
        {
            var keys = new List<int>();
            Walk(Root.RbNode, keys);
            return keys;
        }

        private static void Walk(RbNode? n, List<int> keys)
        {
            if (n == null)
                return;
            Walk(n.RbLeft, keys);
            keys.Add(Key(n));
            Walk(n.RbRight, keys);
        }

        public int Height() => Height(Root.RbNode);

        private static int Height(RbNode? n) => n == null ? 0 : 1 + Math.Max(Height(n.RbLeft), Height(n.RbRight));

        public static int Key(RbNode n) => (int)n.Owner!;

        public int Validate() => Rbtree.Validate(Root, (a, b) => Key(a).CompareTo(Key(b)));
    }

    [Fact]
    public void AscendingInserts_StayBalanced()
    {
        var t = new IntTree();
        for (int i = 0; i < 1000; i++)
            t.Insert(i);
        Assert.Equal(1000, t.Validate());
        // 2 * log2(1001) is just under 20.
        Assert.True(t.Height() <= 19, $"height {t.Height()}");
        Assert.Equal(Enumerable.Range(0, 1000), t.InOrder());
    }

    [Fact]
    public void ThreeAscendingInserts_RotateOnceAroundTheFirst()
    {
        var t = new IntTree();
        t.Insert(1);
        t.Insert(2);
        t.Insert(3);
        // 3 hangs red under red 2: the uncle is missing, so one left rotation at 1 lifts 2 to the root.
        Assert.Equal(2, IntTree.Key(t.Root.RbNode!));
        Assert.Equal(Rbtree.RbBlack, t.Root.RbNode!.RbColor);
        Assert.Equal(Rbtree.RbRed, t.Root.RbNode.RbLeft!.RbColor);
        Assert.Equal(Rbtree.RbRed, t.Root.RbNode.RbRight!.RbColor);
    }

    [Fact]
    public void EraseEverything_LeavesAnEmptyRoot()
    {
        var t = new IntTree();
        for (int i = 0; i < 64; i++)
            t.Insert((i * 37) % 64);
        for (int i = 0; i < 64; i++)
        {
            t.Erase((i * 11) % 64);
            t.Validate();
        }
        Assert.Null(t.Root.RbNode);
    }

    [Fact]
    public void Validate_CatchesARedRoot()
    {
        var t = new IntTree();
        t.Insert(5);
        t.Root.RbNode!.RbColor = Rbtree.RbRed;
        var e = Assert.Throws<KernelPanicException>(() => t.Validate());
        Assert.Contains("root is not black", e.Check);
    }

    [Fact]
    public void Validate_CatchesUnequalBlackHeights()
    {
        var t = new IntTree();
        t.Insert(2);
        t.Insert(1);
        t.Root.RbNode!.RbLeft!.RbColor = Rbtree.RbBlack;
        var e = Assert.Throws<KernelPanicException>(() => t.Validate());
        Assert.Contains("black heights", e.Check);
    }

    // Each operation is a key in [0, 64) and whether to insert (true) or erase it; small keys make
    // erasures hit often and duplicates happen.
    [Property(MaxTest = 300)]
    public Property RandomInsertsAndErases_KeepRulesAndMatchASortedSet()
    {
        var ops = Gen.Zip(Gen.Choose(0, 63), Gen.Elements(true, true, false)).ListOf();
        return Prop.ForAll(ops.ToArbitrary(), list =>
        {
            var t = new IntTree();
            var model = new SortedSet<int>();
            foreach (var (key, insert) in list)
            {
                if (insert)
                    Assert.Equal(model.Add(key), t.Insert(key));
                else
                    Assert.Equal(model.Remove(key), t.Erase(key));
                Assert.Equal(model.Count, t.Validate());
            }
            return model.SequenceEqual(t.InOrder());
        });
    }
}
