// Deliberate kernel faults, one per boot (fault=KIND on the command line of the test kernel). Each
// must end in a panic report naming the vector and the method below, and QEMU exit status "panic";
// the host harness checks both. NoInlining keeps each faulting method a frame of its own. Each has
// an exported name (RuntimeExport), which the kernel's symbol table prefers to ilc's mangled one
// (tools/Vireo.Tools/KernelSymbols.cs): the harness looks for these names, which stay the same when
// a namespace, class or assembly is renamed.
using System.Runtime;
using System.Runtime.CompilerServices;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Multiboot;
using Vireo.Kernel.Log;

namespace Vireo.Kernel.Tests;

public static unsafe class FaultTriggers
{
    private static ulong s_zero;
    private static ulong s_depth;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Trigger(System.ReadOnlySpan<byte> kind)
    {
        KernelLog.Info("fault test: raising a deliberate kernel fault");
        if (KernelCommandLine.Equals(kind, "pf")) PageFault();
        else if (KernelCommandLine.Equals(kind, "gp")) GeneralProtection();
        else if (KernelCommandLine.Equals(kind, "ud")) InvalidOpcode();
        else if (KernelCommandLine.Equals(kind, "de")) DivideError();
        else if (KernelCommandLine.Equals(kind, "stack")) StackOverflow(1);
        else if (KernelCommandLine.Equals(kind, "assert")) InvariantFailure();
        KernelLog.Error("fault test: unknown kind or the fault did not happen");
        QemuExit.Exit(ExitStatus.Failure);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    [RuntimeExport("fault_test_page_fault")]
    private static void PageFault()
    {
        *(ulong*)0x1000 = 1;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    [RuntimeExport("fault_test_general_protection")]
    private static void GeneralProtection()
    {
        // A non-canonical address raises #GP, not #PF.
        *(ulong*)0x8000000000000000 = 1;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    [RuntimeExport("fault_test_invalid_opcode")]
    private static void InvalidOpcode()
    {
        Cpu.InvalidOpcode();
        s_depth++; // not a tail call: keep this method on the stack
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    [RuntimeExport("fault_test_divide_error")]
    private static void DivideError()
    {
        s_depth = 7 / s_zero;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    [RuntimeExport("fault_test_stack_overflow")]
    private static ulong StackOverflow(ulong n)
    {
        byte* pad = stackalloc byte[512];
        pad[0] = (byte)n;
        s_depth = n;
        return StackOverflow(n + 1) + pad[0];
    }

    // Panic.Fail walks the stack from its caller, so this frame must be in the report.
    [MethodImpl(MethodImplOptions.NoInlining)]
    [RuntimeExport("fault_test_invariant_failure")]
    private static void InvariantFailure()
    {
        Panic.Fail("deliberate invariant failure");
        s_depth++; // not a tail call
    }
}
