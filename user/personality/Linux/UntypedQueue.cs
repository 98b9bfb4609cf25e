// The bookkeeping of ObjectPool, kept free of system calls so that the host tests run it: a FIFO of
// untyped capabilities (their handle values) whose object is gone or going, and the count of holders
// of one pooled object. FIFO, because an untyped whose object still has a capability somewhere (a
// Linux thread's own capability to its address space, released a moment later) is tried again only
// after the others.
namespace Vireo.Linux;

public sealed class UntypedQueue
{
    private ulong[] _items = new ulong[64];
    private int _head, _count;

    public int Count => _count;

    public void Push(ulong untyped)
    {
        if (_count == _items.Length)
        {
            var grown = new ulong[_items.Length * 2];
            for (int i = 0; i < _count; i++) grown[i] = _items[(_head + i) % _items.Length];
            _items = grown;
            _head = 0;
        }
        _items[(_head + _count) % _items.Length] = untyped;
        _count++;
    }

    public bool TryTake(out ulong untyped)
    {
        untyped = 0;
        if (_count == 0) return false;
        untyped = _items[_head];
        _head = (_head + 1) % _items.Length;
        _count--;
        return true;
    }
}

/// <summary>How many hold a capability to one pooled object, once it has more than one holder (fork
/// shares a frame between the parent's page and the child's); an object without one has a single
/// holder. Made at the first share, so that a page of one process costs no allocation.</summary>
public sealed class BlockHolders
{
    public int Count = 1;

    /// <summary>One more holder (fork shares the object).</summary>
    public void Hold() => Count++;

    /// <summary>One holder lets go; true for the last, whose block may go back to the pool.</summary>
    public bool LetGo() => --Count == 0;
}
