// Ordering and grouping the block cache's slots by the block each holds, so that a stage's dirty
// blocks go to the disk as runs of contiguous blocks, one request per run.
namespace Vireo.User.FileSystems;

public static class BlockRuns
{
    /// <summary>Sorts slots[0 .. count) by block[slot], ascending (a Shell sort: no allocation, and
    /// well under a quadratic cost for a whole cache of dirty slots).</summary>
    public static void SortSlots(int[] slots, int count, ulong[] block)
    {
        int gap = 1;
        while (gap < count / 3) gap = gap * 3 + 1;
        for (; gap > 0; gap /= 3)
        {
            for (int i = gap; i < count; i++)
            {
                int slot = slots[i];
                ulong key = block[slot];
                int j = i;
                for (; j >= gap && block[slots[j - gap]] > key; j -= gap) slots[j] = slots[j - gap];
                slots[j] = slot;
            }
        }
    }

    /// <summary>How many of the sorted slots from `from` (before `count`) hold contiguous blocks,
    /// at most `max`.</summary>
    public static int RunLength(int[] slots, int from, int count, ulong[] block, int max)
    {
        ulong first = block[slots[from]];
        int run = 1;
        while (from + run < count && run < max && block[slots[from + run]] == first + (ulong)run) run++;
        return run;
    }
}
