// The block cache's use order: a doubly linked list of slots through two index arrays, newest at one
// end and the next slot to reuse at the other, so finding a victim and marking a use are O(1) (a scan
// for the oldest use cost a thousand steps a miss with the daemon's 1,024 slots). Slots start in
// order, slot 0 oldest, so an empty cache fills from the front.
namespace Vireo.User.FileSystems;

public sealed class LruList
{
    private const int None = -1;
    private readonly int[] _newer;
    private readonly int[] _older;
    private int _newest, _oldest;

    public LruList(int count)
    {
        _newer = new int[count];
        _older = new int[count];
        for (int i = 0; i < count; i++)
        {
            _older[i] = i - 1;
            _newer[i] = i + 1 < count ? i + 1 : None;
        }
        _oldest = 0;
        _newest = count - 1;
    }

    /// <summary>The slot used longest ago.</summary>
    public int Oldest => _oldest;

    /// <summary>`slot` was just used: it becomes the newest.</summary>
    public void Touch(int slot)
    {
        if (slot == _newest) return;
        Unlink(slot);
        _older[slot] = _newest;
        _newer[slot] = None;
        _newer[_newest] = slot;
        _newest = slot;
    }

    /// <summary>`slot` holds nothing worth keeping: it is the next to be reused.</summary>
    public void MakeOldest(int slot)
    {
        if (slot == _oldest) return;
        Unlink(slot);
        _newer[slot] = _oldest;
        _older[slot] = None;
        _older[_oldest] = slot;
        _oldest = slot;
    }

    // Takes `slot` out of the list (it has a neighbour: the list holds two slots or more).
    private void Unlink(int slot)
    {
        int newer = _newer[slot], older = _older[slot];
        if (newer != None) _older[newer] = older; else _newest = older;
        if (older != None) _newer[older] = newer; else _oldest = newer;
    }
}
