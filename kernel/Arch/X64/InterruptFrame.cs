// The register frame built by Asm/interrupts.S: general registers pushed by the common stub,
// then vector and error code, then what the CPU pushed. The order is load-bearing; a host test
// checks these offsets against the assembly.
using System.Runtime.InteropServices;

namespace Vireo.Kernel.Arch.X64;

[StructLayout(LayoutKind.Sequential)]
public struct InterruptFrame
{
    public ulong R15, R14, R13, R12, R11, R10, R9, R8;
    public ulong Rbp, Rdi, Rsi, Rdx, Rcx, Rbx, Rax;
    public ulong Vector, ErrorCode;
    public ulong Rip, Cs, Rflags, Rsp, Ss;

    public bool FromUser => (Cs & 3) == 3;
}
