// The kernel's last word. Any exception taken in ring 0 and any broken invariant ends here:
// the report names the vector, error code, CR2, registers, the faulting method and a symbolised
// backtrace (walking the RBP chain that ilc's code keeps), then QEMU exits with the panic status.
// Never a silent triple fault: the double-fault handler runs on its own IST stack.
using System;
using Vireo.Kernel.Diagnostics;
using Vireo.Kernel.Log;
using Vireo.Kernel.Paging;

namespace Vireo.Kernel.Arch.X64;

public static unsafe class Panic
{
    private const int MaxFrames = 24;

    private static SymbolTable s_symbols;
    private static bool s_haveSymbols;
    private static ulong s_stackLow, s_stackHigh, s_textLow, s_textHigh;
    private static int s_depth;

    public static void Init(SymbolTable symbols, bool haveSymbols, ulong stackLow, ulong stackHigh, ulong textLow, ulong textHigh)
    {
        s_textLow = textLow;
        s_textHigh = textHigh;
        s_symbols = symbols;
        s_haveSymbols = haveSymbols;
        s_stackLow = stackLow;
        s_stackHigh = stackHigh;
    }

    public static void Exception(InterruptFrame* f)
    {
        Enter();
        KernelLog.Begin(LogLevel.Panic);
        KernelLog.Str("kernel panic: ");
        KernelLog.Str(Idt.VectorName(f->Vector));
        KernelLog.Str(" (vector ");
        KernelLog.Dec(f->Vector);
        KernelLog.Str(") error code ");
        KernelLog.Hex(f->ErrorCode);
        KernelLog.End();
        if (f->Vector == Idt.PageFault || f->Vector == Idt.DoubleFault)
        {
            ulong cr2 = Cpu.ReadCr2();
            KernelLog.Begin(LogLevel.Panic);
            KernelLog.Str("cr2 ");
            KernelLog.Hex(cr2, 16);
            if (f->Vector == Idt.PageFault) DescribePageFault(f->ErrorCode);
            if (IsGuardPageAddress(cr2)) KernelLog.Str(" (kernel stack overflow: guard page)");
            KernelLog.End();
        }
        KernelLog.Begin(LogLevel.Panic);
        KernelLog.Str("in ");
        Symbol(f->Rip);
        KernelLog.End();
        Registers(f);
        Backtrace(f->Rip, f->Rbp, f->Rsp);
        QemuExit.Exit(ExitStatus.Panic);
    }

    /// <summary>A broken kernel invariant: report the reason and where we are, then stop.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void Fail(string reason)
    {
        Enter();
        KernelLog.Begin(LogLevel.Panic);
        KernelLog.Str("kernel panic: ");
        KernelLog.Str(reason);
        KernelLog.End();
        ulong rbp = Cpu.ReadFramePointer();
        Backtrace(*(ulong*)(rbp + 8), *(ulong*)rbp);
        QemuExit.Exit(ExitStatus.Panic);
    }

    // Installed as the core library's fail-fast hook (bounds checks, heap exhaustion, ...).
    public static void FailFast(char* message, int length)
    {
        Enter();
        KernelLog.Begin(LogLevel.Panic);
        KernelLog.Str("kernel panic: runtime check failed: ");
        for (int i = 0; i < length; i++) KernelLog.Char(message[i]);
        KernelLog.End();
        ulong rbp = Cpu.ReadFramePointer();
        Backtrace(*(ulong*)(rbp + 8), *(ulong*)rbp);
        QemuExit.Exit(ExitStatus.Panic);
    }

    private static void Enter()
    {
        Cpu.DisableInterrupts();
        // A fault while reporting a fault: say so and stop rather than recurse.
        if (++s_depth > 1)
        {
            KernelLog.Begin(LogLevel.Panic);
            KernelLog.Str("nested panic");
            KernelLog.End();
            QemuExit.Exit(ExitStatus.Panic);
        }
    }

    private static bool IsGuardPageAddress(ulong address)
    {
        KernelLayout layout;
        KernelLayout.Read(&layout);
        return layout.IsGuardPage(address & ~(PageTable.Size4K - 1));
    }

    private static void DescribePageFault(ulong error)
    {
        KernelLog.Str((error & 1) != 0 ? " (protection violation" : " (not present");
        KernelLog.Str((error & 2) != 0 ? ", write" : ", read");
        if ((error & 4) != 0) KernelLog.Str(", user");
        if ((error & 16) != 0) KernelLog.Str(", instruction fetch");
        KernelLog.Str(")");
    }

    private static void Registers(InterruptFrame* f)
    {
        Line3("rax", f->Rax, "rbx", f->Rbx, "rcx", f->Rcx);
        Line3("rdx", f->Rdx, "rsi", f->Rsi, "rdi", f->Rdi);
        Line3("rbp", f->Rbp, "rsp", f->Rsp, "r8 ", f->R8);
        Line3("r9 ", f->R9, "r10", f->R10, "r11", f->R11);
        Line3("r12", f->R12, "r13", f->R13, "r14", f->R14);
        Line3("r15", f->R15, "rip", f->Rip, "rfl", f->Rflags);
        Line3("cs ", f->Cs, "ss ", f->Ss, "cr3", Cpu.ReadCr3().Value);
    }

    private static void Line3(string a, ulong va, string b, ulong vb, string c, ulong vc)
    {
        KernelLog.Begin(LogLevel.Panic);
        KernelLog.Str(a); KernelLog.Char(' '); KernelLog.HexDigits(va, 16); KernelLog.Str("  ");
        KernelLog.Str(b); KernelLog.Char(' '); KernelLog.HexDigits(vb, 16); KernelLog.Str("  ");
        KernelLog.Str(c); KernelLog.Char(' '); KernelLog.HexDigits(vc, 16);
        KernelLog.End();
    }

    private static void Backtrace(ulong rip, ulong rbp, ulong rsp = 0)
    {
        KernelLog.Begin(LogLevel.Panic);
        KernelLog.Str("backtrace:");
        KernelLog.End();
        Frame(0, rip);
        // A leaf (assembly helpers, small methods) may fault before or without building a frame;
        // then its caller's return address is on top of the stack. Shown as a guess, marked "?".
        if (rsp >= s_stackLow && rsp + 8 <= s_stackHigh)
        {
            ulong top = *(ulong*)rsp;
            bool rbpValid = rbp >= s_stackLow && rbp + 16 <= s_stackHigh;
            if (top >= s_textLow && top < s_textHigh && (!rbpValid || top != *(ulong*)(rbp + 8)))
            {
                KernelLog.Begin(LogLevel.Panic);
                KernelLog.Str("   ? ");
                KernelLog.HexDigits(top, 16);
                KernelLog.Char(' ');
                Symbol(top);
                KernelLog.End();
            }
        }
        for (int i = 1; i < MaxFrames; i++)
        {
            // Only follow frame pointers that lie on a kernel stack: a corrupt chain must not fault here.
            if (rbp < s_stackLow || rbp + 16 > s_stackHigh || (rbp & 7) != 0) break;
            ulong ret = *(ulong*)(rbp + 8);
            ulong next = *(ulong*)rbp;
            if (ret == 0) break;
            Frame(i, ret);
            if (next <= rbp) break;
            rbp = next;
        }
    }

    private static void Frame(int index, ulong address)
    {
        KernelLog.Begin(LogLevel.Panic);
        KernelLog.Str("  #");
        KernelLog.Dec((ulong)index);
        KernelLog.Char(' ');
        KernelLog.HexDigits(address, 16);
        KernelLog.Char(' ');
        Symbol(address);
        KernelLog.End();
    }

    private static void Symbol(ulong address)
    {
        if (s_haveSymbols && s_symbols.TryLookup(address, out ulong start, out ReadOnlySpan<byte> name))
        {
            KernelLog.Bytes(name);
            KernelLog.Str("+");
            KernelLog.Hex(address - start);
        }
        else
        {
            KernelLog.Hex(address);
        }
    }
}
