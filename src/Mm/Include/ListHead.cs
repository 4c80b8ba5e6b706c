namespace LinuxVm.Mm.Include;

/// <summary>
/// The kernel's circular doubly linked list (include/linux/list.h). A node is embedded in the
/// object that owns it; an empty list is a head that points at itself.
/// </summary>
/// <remarks>
/// Port note: C recovers the containing structure from a node with <c>list_entry</c>, which is
/// pointer arithmetic. A C# node instead remembers its <see cref="Owner"/>, and
/// <see cref="Entry{T}"/> plays the part of <c>list_entry</c>. Order on the list is kept exactly,
/// because code such as the LRU lists and the buddy free lists depends on it.
/// </remarks>
[Linux("include/linux/list.h", "struct list_head")]
public sealed class ListHead
{
    /// <summary>Creates an empty list (or an unlinked node) owned by <paramref name="owner"/>.</summary>
    /// <param name="owner">The object this node is embedded in; null for a bare list head.</param>
    [Linux("include/linux/list.h", "LIST_HEAD_INIT")]
    public ListHead(object? owner = null)
    {
        Owner = owner;
        Next = this;
        Prev = this;
    }

    /// <summary>The next node; the head itself at the end of the list.</summary>
    [Linux("include/linux/list.h", "list_head.next")]
    public ListHead Next { get; set; }

    /// <summary>The previous node; the head itself at the start of the list.</summary>
    [Linux("include/linux/list.h", "list_head.prev")]
    public ListHead Prev { get; set; }

    /// <summary>The object that embeds this node, recovered by <see cref="Entry{T}"/>.</summary>
    public object? Owner { get; }

    /// <summary>Makes this node an empty list again.</summary>
    [Linux("include/linux/list.h", "INIT_LIST_HEAD")]
    public void Init()
    {
        Next = this;
        Prev = this;
    }

    /// <summary>True when the list has no entries.</summary>
    [Linux("include/linux/list.h", "list_empty")]
    public bool IsEmpty => Next == this;

    // Links a new node between two nodes known to be adjacent.
    [Linux("include/linux/list.h", "__list_add")]
    private static void AddBetween(ListHead node, ListHead prev, ListHead next)
    {
        next.Prev = node;
        node.Next = next;
        node.Prev = prev;
        prev.Next = node;
    }

    /// <summary>Inserts <paramref name="node"/> right after this head (stack order).</summary>
    /// <param name="node">The node to insert; it must not be on a list.</param>
    [Linux("include/linux/list.h", "list_add")]
    public void Add(ListHead node) => AddBetween(node, this, Next);

    /// <summary>Inserts <paramref name="node"/> right before this head, at the tail (queue order).</summary>
    /// <param name="node">The node to insert; it must not be on a list.</param>
    [Linux("include/linux/list.h", "list_add_tail")]
    public void AddTail(ListHead node) => AddBetween(node, Prev, this);

    /// <summary>Unlinks this node from whatever list holds it.</summary>
    /// <remarks>Port note: the kernel leaves the removed node's pointers dangling; here they point at
    /// the node itself, so a stale use shows up as an empty list rather than silent corruption.</remarks>
    [Linux("include/linux/list.h", "list_del")]
    public void Del()
    {
        Next.Prev = Prev;
        Prev.Next = Next;
        Next = this;
        Prev = this;
    }

    /// <summary>Unlinks this node and leaves it as an empty list.</summary>
    [Linux("include/linux/list.h", "list_del_init")]
    public void DelInit() => Del();

    /// <summary>Splices every entry of <paramref name="list"/> in after this head; <paramref name="list"/> becomes empty.</summary>
    /// <param name="list">The list whose entries move.</param>
    [Linux("include/linux/list.h", "list_splice")]
    public void Splice(ListHead list)
    {
        if (list.IsEmpty)
            return;
        ListHead first = list.Next, last = list.Prev, at = Next;
        first.Prev = this;
        Next = first;
        last.Next = at;
        at.Prev = last;
        list.Init();
    }

    /// <summary>The object that embeds this node, as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">Type of the containing structure.</typeparam>
    [Linux("include/linux/list.h", "list_entry")]
    public T Entry<T>() where T : class =>
        Owner as T ?? throw new InvalidOperationException($"list node is not embedded in a {typeof(T).Name}");

    /// <summary>The entries of the list headed here, front to back, safe against removal of the current one.</summary>
    /// <typeparam name="T">Type of the entries.</typeparam>
    [Linux("include/linux/list.h", "list_for_each_safe")]
    public IEnumerable<T> Entries<T>() where T : class
    {
        for (ListHead pos = Next, n = pos.Next; pos != this; pos = n, n = pos.Next)
            yield return pos.Entry<T>();
    }

    /// <summary>Number of entries (walks the list).</summary>
    public int Count()
    {
        int n = 0;
        for (ListHead pos = Next; pos != this; pos = pos.Next)
            n++;
        return n;
    }
}
