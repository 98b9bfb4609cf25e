// A thread's whole user register state, as the ThreadRegisters syscall reads and writes it for a
// holder of the thread's Control right while the thread is stopped (suspended, or blocked in a way
// that keeps its user state intact). The garbage collector reads it to find roots in other threads;
// a debugger or the Linux personality's signal delivery writes it. The layout is ABI: the kernel
// copies it field by field from its saved frame and FXSAVE area.
using System.Runtime.InteropServices;

namespace Vireo.Abi;

[StructLayout(LayoutKind.Sequential)]
public unsafe struct ThreadRegisterState
{
    public ulong Rax, Rbx, Rcx, Rdx, Rsi, Rdi, Rbp, Rsp;
    public ulong R8, R9, R10, R11, R12, R13, R14, R15;
    public ulong Rip, Rflags;
    public ulong FsBase, GsBase;
    /// <summary>The FXSAVE image (x87, MXCSR, xmm0-15), 16-byte aligned within the struct.</summary>
    public fixed byte Fx[512];

    public const int Size = 20 * 8 + 512;
}

/// <summary>What ThreadRegisters does with the state block (its second argument).</summary>
public enum ThreadRegistersOp : ulong
{
    Read = 0,
    Write = 1,
}
