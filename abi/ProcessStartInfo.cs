// What a process built by the process builder finds at its first argument: a block at the top
// of its stack with its arguments and the facts its runtime needs about its own capability space.
namespace Vireo.Abi;

public unsafe struct ProcessStartInfo
{
    public const ulong MagicValue = 0x4752414F45524956; // "VIREOARG"
    public const int MaxArguments = 16;

    public ulong Magic;
    public ulong FirstFreeSlot;    // the process's CNode slots from here up are empty
    public ulong CNodeSlotBits;
    public ulong Word0, Word1;     // two raw words for the program (tests, benchmarks)
    public ulong ArgumentCount;
    /// <summary>Offsets from the start of this block to NUL-terminated ASCII arguments.</summary>
    public fixed ulong ArgumentOffsets[MaxArguments];
}
