namespace LinuxVm.Mm.Lib;

/// <summary>
/// One node of a red-black tree, <c>rb_node_t</c> (include/linux/rbtree.h), embedded in the
/// structure that the tree orders (a vm_area_struct keeps one as <c>vm_rb</c>).
/// </summary>
/// <remarks>
/// Port note: the links are public fields rather than properties so that a caller can hold a
/// <c>ref</c> to one of them. The kernel's insertion protocol passes the address of the empty
/// child slot it found (<c>rb_node_t **</c>) to <see cref="Rbtree.LinkNode"/>; a C# <c>ref</c> to
/// <see cref="RbLeft"/>, <see cref="RbRight"/> or <see cref="RbRoot.RbNode"/> is that address.
/// As with <see cref="Include.ListHead"/>, <c>rb_entry</c> is pointer arithmetic in C; here the
/// node remembers its <see cref="Owner"/> and <see cref="Entry{T}"/> recovers it.
/// </remarks>
[Linux("include/linux/rbtree.h", "rb_node_t")]
public sealed class RbNode
{
    /// <summary>Creates an unlinked node embedded in <paramref name="owner"/>.</summary>
    /// <param name="owner">The structure this node belongs to; null for a bare node (tests).</param>
    public RbNode(object? owner = null) => Owner = owner;

    /// <summary>The parent node; null at the root.</summary>
    [Linux("include/linux/rbtree.h", "rb_node_t.rb_parent")]
    public RbNode? RbParent;

    /// <summary><see cref="Rbtree.RbRed"/> or <see cref="Rbtree.RbBlack"/>.</summary>
    [Linux("include/linux/rbtree.h", "rb_node_t.rb_color")]
    public int RbColor;

    /// <summary>The subtree of larger keys.</summary>
    [Linux("include/linux/rbtree.h", "rb_node_t.rb_right")]
    public RbNode? RbRight;

    /// <summary>The subtree of smaller keys.</summary>
    [Linux("include/linux/rbtree.h", "rb_node_t.rb_left")]
    public RbNode? RbLeft;

    /// <summary>The structure that embeds this node.</summary>
    public object? Owner { get; }

    /// <summary>The structure that embeds this node, as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">Type of the containing structure.</typeparam>
    [Linux("include/linux/rbtree.h", "rb_entry")]
    public T Entry<T>() where T : class =>
        Owner as T ?? throw new InvalidOperationException($"rb node is not embedded in a {typeof(T).Name}");
}

/// <summary>The root of a red-black tree, <c>rb_root_t</c>: just the pointer to the top node.</summary>
[Linux("include/linux/rbtree.h", "rb_root_t")]
public sealed class RbRoot
{
    /// <summary>The top node; null for an empty tree (<c>RB_ROOT</c>).</summary>
    [Linux("include/linux/rbtree.h", "rb_root_t.rb_node")]
    public RbNode? RbNode;
}

/// <summary>
/// lib/rbtree.c: the rebalancing half of Andrea Arcangeli's red-black tree. Users write their own
/// descent to find where a key belongs, hang the new node there with <see cref="LinkNode"/>, and
/// call <see cref="InsertColor"/>; <see cref="Erase"/> removes a node. Neither ever compares keys.
/// </summary>
/// <remarks>
/// The rules kept after every call: each node is red or black; the root is black; a red node has
/// no red child; and every path from a node down to an empty (null) link passes the same number of
/// black nodes. Together they bound the height by twice the black height, so a tree of n nodes is
/// at most 2·log2(n+1) deep: the reason mm/mmap.c can find the VMA of an address quickly in a
/// process with thousands of mappings.
/// </remarks>
public static class Rbtree
{
    /// <summary>Colour of a node that may have been just inserted or recoloured.</summary>
    [Linux("include/linux/rbtree.h", "RB_RED")]
    public const int RbRed = 0;

    /// <summary>Colour that counts towards the black height.</summary>
    [Linux("include/linux/rbtree.h", "RB_BLACK")]
    public const int RbBlack = 1;

    // A left rotation lifts node's right child into node's place:
    //
    //        node                 right
    //       /    \               /     \
    //      a    right   ==>    node     c
    //          /     \        /    \
    //         b       c      a      b
    //
    // Key order (a < node < b < right < c) is unchanged; only the shape moves.
    [Linux("lib/rbtree.c", "__rb_rotate_left")]
    private static void RotateLeft(RbNode node, RbRoot root)
    {
        RbNode right = node.RbRight!;

        node.RbRight = right.RbLeft;
        if (node.RbRight != null)
            right.RbLeft!.RbParent = node;
        right.RbLeft = node;

        right.RbParent = node.RbParent;
        if (right.RbParent != null)
        {
            if (node == node.RbParent!.RbLeft)
                node.RbParent.RbLeft = right;
            else
                node.RbParent.RbRight = right;
        }
        else
            root.RbNode = right;
        node.RbParent = right;
    }

    // The mirror image: node's left child takes node's place.
    [Linux("lib/rbtree.c", "__rb_rotate_right")]
    private static void RotateRight(RbNode node, RbRoot root)
    {
        RbNode left = node.RbLeft!;

        node.RbLeft = left.RbRight;
        if (node.RbLeft != null)
            left.RbRight!.RbParent = node;
        left.RbRight = node;

        left.RbParent = node.RbParent;
        if (left.RbParent != null)
        {
            if (node == node.RbParent!.RbRight)
                node.RbParent.RbRight = left;
            else
                node.RbParent.RbLeft = left;
        }
        else
            root.RbNode = left;
        node.RbParent = left;
    }

    /// <summary>
    /// Restores the red-black rules after <paramref name="node"/> was linked in as a red leaf by
    /// <see cref="LinkNode"/>.
    /// </summary>
    /// <param name="node">The freshly linked node.</param>
    /// <param name="root">The tree it was linked into.</param>
    /// <remarks>
    /// The only rule a red leaf can break is "no red child of a red node". While the parent is red:
    /// if the uncle is red too, push the grandparent's blackness down to both and retry two levels
    /// up; otherwise one or two rotations around the grandparent end the repair. At most two
    /// rotations happen per insertion.
    /// </remarks>
    [Linux("lib/rbtree.c", "rb_insert_color")]
    public static void InsertColor(RbNode node, RbRoot root)
    {
        RbNode? parent;

        while ((parent = node.RbParent) != null && parent.RbColor == RbRed)
        {
            // A red parent is never the root, so the grandparent exists.
            RbNode gparent = parent.RbParent!;

            if (parent == gparent.RbLeft)
            {
                RbNode? uncle = gparent.RbRight;
                if (uncle != null && uncle.RbColor == RbRed)
                {
                    uncle.RbColor = RbBlack;
                    parent.RbColor = RbBlack;
                    gparent.RbColor = RbRed;
                    node = gparent;
                    continue;
                }

                if (parent.RbRight == node)
                {
                    // Inner grandchild: turn it into the outer case first.
                    RotateLeft(parent, root);
                    (parent, node) = (node, parent);
                }

                parent.RbColor = RbBlack;
                gparent.RbColor = RbRed;
                RotateRight(gparent, root);
            }
            else
            {
                RbNode? uncle = gparent.RbLeft;
                if (uncle != null && uncle.RbColor == RbRed)
                {
                    uncle.RbColor = RbBlack;
                    parent.RbColor = RbBlack;
                    gparent.RbColor = RbRed;
                    node = gparent;
                    continue;
                }

                if (parent.RbLeft == node)
                {
                    RotateRight(parent, root);
                    (parent, node) = (node, parent);
                }

                parent.RbColor = RbBlack;
                gparent.RbColor = RbRed;
                RotateLeft(gparent, root);
            }
        }

        root.RbNode!.RbColor = RbBlack;
    }

    // Repairs the black height after a black node was spliced out. `node` (possibly null) now
    // stands where the removed node was and is one black short; `parent` is its parent, passed
    // separately because node may be null. The sibling `other` is examined: a red sibling is
    // rotated up so the sibling becomes black; a black sibling with two black children is painted
    // red, moving the shortage one level up; otherwise one or two rotations lend a black node to
    // node's side and the loop ends.
    [Linux("lib/rbtree.c", "__rb_erase_color")]
    private static void EraseColor(RbNode? node, RbNode? parent, RbRoot root)
    {
        RbNode other;

        while ((node == null || node.RbColor == RbBlack) && node != root.RbNode)
        {
            if (parent!.RbLeft == node)
            {
                other = parent.RbRight!;
                if (other.RbColor == RbRed)
                {
                    other.RbColor = RbBlack;
                    parent.RbColor = RbRed;
                    RotateLeft(parent, root);
                    other = parent.RbRight!;
                }
                if ((other.RbLeft == null || other.RbLeft.RbColor == RbBlack)
                    && (other.RbRight == null || other.RbRight.RbColor == RbBlack))
                {
                    other.RbColor = RbRed;
                    node = parent;
                    parent = node.RbParent;
                }
                else
                {
                    if (other.RbRight == null || other.RbRight.RbColor == RbBlack)
                    {
                        RbNode? oLeft = other.RbLeft;
                        if (oLeft != null)
                            oLeft.RbColor = RbBlack;
                        other.RbColor = RbRed;
                        RotateRight(other, root);
                        other = parent.RbRight!;
                    }
                    other.RbColor = parent.RbColor;
                    parent.RbColor = RbBlack;
                    if (other.RbRight != null)
                        other.RbRight.RbColor = RbBlack;
                    RotateLeft(parent, root);
                    node = root.RbNode;
                    break;
                }
            }
            else
            {
                other = parent.RbLeft!;
                if (other.RbColor == RbRed)
                {
                    other.RbColor = RbBlack;
                    parent.RbColor = RbRed;
                    RotateRight(parent, root);
                    other = parent.RbLeft!;
                }
                if ((other.RbLeft == null || other.RbLeft.RbColor == RbBlack)
                    && (other.RbRight == null || other.RbRight.RbColor == RbBlack))
                {
                    other.RbColor = RbRed;
                    node = parent;
                    parent = node.RbParent;
                }
                else
                {
                    if (other.RbLeft == null || other.RbLeft.RbColor == RbBlack)
                    {
                        RbNode? oRight = other.RbRight;
                        if (oRight != null)
                            oRight.RbColor = RbBlack;
                        other.RbColor = RbRed;
                        RotateLeft(other, root);
                        other = parent.RbLeft!;
                    }
                    other.RbColor = parent.RbColor;
                    parent.RbColor = RbBlack;
                    if (other.RbLeft != null)
                        other.RbLeft.RbColor = RbBlack;
                    RotateRight(parent, root);
                    node = root.RbNode;
                    break;
                }
            }
        }
        if (node != null)
            node.RbColor = RbBlack;
    }

    /// <summary>Removes <paramref name="node"/> from the tree and rebalances it.</summary>
    /// <param name="node">A node currently in the tree.</param>
    /// <param name="root">The tree.</param>
    /// <remarks>
    /// A node with at most one child is replaced by that child. A node with two children is
    /// replaced by its in-order successor (the leftmost node of its right subtree), which takes
    /// over the removed node's links and colour; the successor's old place, which has at most a
    /// right child, is what is actually spliced out. If the spliced-out position was black, the
    /// path through it lost a black node and <c>__rb_erase_color</c> repairs it.
    /// </remarks>
    [Linux("lib/rbtree.c", "rb_erase")]
    public static void Erase(RbNode node, RbRoot root)
    {
        RbNode? child, parent;
        int color;

        if (node.RbLeft == null)
            child = node.RbRight;
        else if (node.RbRight == null)
            child = node.RbLeft;
        else
        {
            RbNode old = node;
            RbNode? left;

            node = node.RbRight;
            while ((left = node.RbLeft) != null)
                node = left;
            child = node.RbRight;
            parent = node.RbParent;
            color = node.RbColor;

            if (child != null)
                child.RbParent = parent;
            if (parent != null)
            {
                if (parent.RbLeft == node)
                    parent.RbLeft = child;
                else
                    parent.RbRight = child;
            }
            else
                root.RbNode = child;

            if (node.RbParent == old)
                parent = node;
            node.RbParent = old.RbParent;
            node.RbColor = old.RbColor;
            node.RbRight = old.RbRight;
            node.RbLeft = old.RbLeft;

            if (old.RbParent != null)
            {
                if (old.RbParent.RbLeft == old)
                    old.RbParent.RbLeft = node;
                else
                    old.RbParent.RbRight = node;
            }
            else
                root.RbNode = node;

            old.RbLeft!.RbParent = node;
            if (old.RbRight != null)
                old.RbRight.RbParent = node;
            goto color;
        }

        parent = node.RbParent;
        color = node.RbColor;

        if (child != null)
            child.RbParent = parent;
        if (parent != null)
        {
            if (parent.RbLeft == node)
                parent.RbLeft = child;
            else
                parent.RbRight = child;
        }
        else
            root.RbNode = child;

    color:
        if (color == RbBlack)
            EraseColor(child, parent, root);
    }

    /// <summary>
    /// Hangs <paramref name="node"/> as a red leaf in the empty slot <paramref name="rbLink"/>
    /// below <paramref name="parent"/>; the caller then calls <see cref="InsertColor"/>.
    /// </summary>
    /// <param name="node">The node to insert.</param>
    /// <param name="parent">The node whose child slot is <paramref name="rbLink"/>; null when inserting the root.</param>
    /// <param name="rbLink">The empty slot found by the caller's descent: <c>parent.RbLeft</c>, <c>parent.RbRight</c> or <c>root.RbNode</c>.</param>
    [Linux("include/linux/rbtree.h", "rb_link_node")]
    public static void LinkNode(RbNode node, RbNode? parent, ref RbNode? rbLink)
    {
        node.RbParent = parent;
        node.RbColor = RbRed;
        node.RbLeft = node.RbRight = null;

        rbLink = node;
    }

    /// <summary>
    /// Checks every red-black rule and every parent link of the tree under <paramref name="root"/>,
    /// and that an in-order walk is strictly increasing under <paramref name="compare"/> when one
    /// is given. Throws <see cref="KernelPanicException"/> naming the first broken rule.
    /// </summary>
    /// <param name="root">The tree.</param>
    /// <param name="compare">Orders two nodes by their keys; null to skip the order check.</param>
    /// <returns>The number of nodes in the tree.</returns>
    /// <remarks>Not in the kernel: the test suite's (and the VMA checker's) view of a valid tree.</remarks>
    public static int Validate(RbRoot root, Comparison<RbNode>? compare = null)
    {
        RbNode? top = root.RbNode;
        if (top == null)
            return 0;
        Fail(top.RbParent != null, "root has a parent");
        Fail(top.RbColor != RbBlack, "root is not black");
        int count = 0;
        RbNode? previous = null;
        BlackHeight(top, compare, ref count, ref previous);
        return count;
    }

    // Returns the black height of the subtree at n (counting the null links below as one black),
    // checking colours, parent links and key order on the way (in order, so `previous` is the
    // node visited just before).
    private static int BlackHeight(RbNode? n, Comparison<RbNode>? compare, ref int count, ref RbNode? previous)
    {
        if (n == null)
            return 1;
        Fail(n.RbColor != RbRed && n.RbColor != RbBlack, "node has a colour that is neither red nor black");
        Fail(n.RbLeft != null && n.RbLeft.RbParent != n, "left child's parent link is wrong");
        Fail(n.RbRight != null && n.RbRight.RbParent != n, "right child's parent link is wrong");
        if (n.RbColor == RbRed)
            Fail((n.RbLeft?.RbColor ?? RbBlack) == RbRed || (n.RbRight?.RbColor ?? RbBlack) == RbRed,
                "red node has a red child");
        int left = BlackHeight(n.RbLeft, compare, ref count, ref previous);
        if (compare != null && previous != null)
            Fail(compare(previous, n) >= 0, "in-order walk is not strictly increasing");
        previous = n;
        count++;
        int right = BlackHeight(n.RbRight, compare, ref count, ref previous);
        Fail(left != right, "paths below a node have different black heights");
        return left + (n.RbColor == RbBlack ? 1 : 0);
    }

    private static void Fail(bool broken, string rule)
    {
        if (broken)
            throw new KernelPanicException(rule, "rbtree invariant");
    }
}
