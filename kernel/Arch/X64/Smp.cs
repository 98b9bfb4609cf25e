// Starting the application processors. The bootstrap processor copies the real-mode trampoline
// (Asm/smp.S) below 1 MiB, gives each AP listed as enabled in the MADT its kernel stack, IST stacks,
// GDT/TSS and per-CPU block, and wakes it with INIT-SIPI-SIPI. It waits by halting between timer
// ticks, not by spinning, so a QEMU that runs its vCPUs in turn (-icount) lets the AP run. Each AP
// sets itself up like the BSP (ApMain) and idles in hlt with its local APIC timer on until Release
// lets it run threads; what runs where is the scheduler's business (docs/design/scheduling.md,
// "Several CPUs").
using System.Runtime;
using System.Runtime.CompilerServices;
using Vireo.Kernel.Acpi;
using Vireo.Kernel.Log;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Multiboot;
using Vireo.Kernel.Paging;

namespace Vireo.Kernel.Arch.X64;

public static unsafe class Smp
{
    /// <summary>Where the trampoline runs (AP_TRAMPOLINE in smp.S): its page, then the temporary
    /// PML4, PDPT and PD that map it and the kernel's half.</summary>
    public const ulong TrampolinePhys = 0x70000;
    public const ulong TrampolineBytes = 4 * PageTable.Size4K;
    private const ulong StackPages = 16, IstPages = 4;
    private const uint Efer = 0xC0000080;
    private const ulong InitDelayTicks = 10, StartupTimeoutTicks = 1000;

    // The order of ap_trampoline_params in smp.S.
    private struct TrampolineParams
    {
        public ulong Pml4, KernelCr3, Stack, PerCpu, Entry;
    }

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "arch_ap_trampoline")]
    private static extern void Trampoline(ulong* startEndParams);

    private static ulong s_cr0, s_cr4, s_efer;

    /// <summary>CPUs running: the BSP and every AP that reported in.</summary>
    public static int OnlineCount
    {
        get
        {
            int n = 0;
            for (int i = 0; i < PerCpu.Count; i++)
                if (PerCpu.Block(i)->Online != 0) n++;
            return n;
        }
    }

    /// <summary>Starts every enabled AP of the MADT (up to PerCpu.MaxCpus CPUs in all). Needs the
    /// kernel's page tables, the local APIC and its running timer, and interrupts on.</summary>
    public static void StartAps(PhysMap direct, FrameAllocator frames, ref FrameAllocatorFrameSource source, in MadtInfo madt, in BootInfo boot)
    {
        PerCpuBlock* bsp = PerCpu.Block(0);
        bsp->ApicId = LocalApic.ApicId;
        bsp->Online = 1;
        CrossCall.Init();
        if (madt.EnabledCpuCount < 2) return;
        if (!TrampolineFree(boot))
        {
            KernelLog.Warn("smp: the trampoline's low pages are taken; running on the BSP only");
            return;
        }
        s_cr0 = Cpu.ReadCr0();
        s_cr4 = Cpu.ReadCr4();
        s_efer = Cpu.ReadMsr(Efer);
        var p = (TrampolineParams*)CopyTrampoline(direct);

        for (int i = 0; i < madt.CpuCount && PerCpu.Count < PerCpu.MaxCpus; i++)
        {
            MadtProcessor cpu = madt.GetCpu(i);
            if ((cpu.Flags & MadtProcessor.FlagEnabled) == 0 || cpu.ApicId == bsp->ApicId) continue;
            PerCpuBlock* block = Prepare(direct, frames, ref source, PerCpu.Count, cpu.ApicId);
            if (block == null)
            {
                KernelLog.Warn("smp: no memory for another CPU's stacks");
                break;
            }
            p->Stack = block->KernelStackTop;
            p->PerCpu = (ulong)block;
            if (!Wake(block))
            {
                KernelLog.Warn("smp: an AP did not start; the others are left offline");
                break;
            }
        }
        LogCpus();
    }

    /// <summary>True when the trampoline's pages lie in usable RAM and clear of the boot modules (the
    /// boot information itself was copied by BootInfo.Parse).</summary>
    public static bool TrampolineFree(in BootInfo boot)
    {
        for (int i = 0; i < boot.ModuleCount; i++)
        {
            BootModule m = boot.Module(i);
            if (m.Start < TrampolinePhys + TrampolineBytes && m.End > TrampolinePhys) return false;
        }
        for (int i = 0; i < boot.RegionCount; i++)
        {
            MemoryRegion r = boot.Region(i);
            if (r.Type == MemoryRegionType.Usable && r.Base <= TrampolinePhys && r.End >= TrampolinePhys + TrampolineBytes) return true;
        }
        return false;
    }

    // Copies the trampoline to its page and builds the temporary tables after it: the identity map
    // of the first 2 MiB (where the trampoline runs when it turns paging on) and the kernel's half.
    // Returns the copy's parameter block.
    private static byte* CopyTrampoline(PhysMap direct)
    {
        ulong* addr = stackalloc ulong[3];
        Trampoline(addr);
        byte* to = direct.Ptr(TrampolinePhys);
        for (ulong i = 0; i < TrampolineBytes; i++) to[i] = 0;
        for (ulong i = 0; i < addr[1] - addr[0]; i++) to[i] = ((byte*)addr[0])[i];
        var pml4 = (ulong*)(to + PageTable.Size4K);
        var pdpt = (ulong*)(to + 2 * PageTable.Size4K);
        var pd = (ulong*)(to + 3 * PageTable.Size4K);
        const ulong presentWritable = 3, large = 0x80;
        pml4[0] = (TrampolinePhys + 2 * PageTable.Size4K) | presentWritable;
        pdpt[0] = (TrampolinePhys + 3 * PageTable.Size4K) | presentWritable;
        pd[0] = large | presentWritable;
        var kernel = (ulong*)direct.Ptr(KernelSpace.Table.Root);
        for (int i = 256; i < 512; i++) pml4[i] = kernel[i];

        var p = (TrampolineParams*)(to + (addr[2] - addr[0]));
        p->Pml4 = TrampolinePhys + PageTable.Size4K;
        p->KernelCr3 = KernelSpace.Table.Root.Value;
        return (byte*)p;
    }

    // The AP's block, stacks and tables, from frames taken at boot; null when memory is short.
    private static PerCpuBlock* Prepare(PhysMap direct, FrameAllocator frames, ref FrameAllocatorFrameSource source, int index, uint apicId)
    {
        ulong tablePages = ((ulong)sizeof(Gdt.CpuTables) + PageTable.Size4K - 1) / PageTable.Size4K;
        if (!frames.TryAllocContiguous(tablePages, 1, out PhysAddr tablesPhys)) return null;
        byte* tables = direct.Ptr(tablesPhys);
        for (ulong i = 0; i < tablePages * PageTable.Size4K; i++) tables[i] = 0;
        var ist = new IstStacks
        {
            DoubleFault = Stack(frames, ref source, IstPages),
            Nmi = Stack(frames, ref source, IstPages),
            MachineCheck = Stack(frames, ref source, IstPages),
        };
        ulong kernelStack = Stack(frames, ref source, StackPages);
        if (ist.DoubleFault == 0 || ist.Nmi == 0 || ist.MachineCheck == 0 || kernelStack == 0) return null;
        PerCpuBlock* block = PerCpu.Prepare(index, apicId, Gdt.Fill((Gdt.CpuTables*)tables, ist));
        block->KernelStackTop = kernelStack;
        return block;
    }

    private static ulong Stack(FrameAllocator frames, ref FrameAllocatorFrameSource source, ulong pages) =>
        frames.TryAllocContiguous(pages, 1, out PhysAddr phys) ? KernelSpace.MapStack(ref source, phys, pages) : 0;

    // INIT, then two startup IPIs (the second only if the first was lost), as the MP specification asks.
    private static bool Wake(PerCpuBlock* block)
    {
        byte page = (byte)(TrampolinePhys / PageTable.Size4K);
        LocalApic.SendInit(block->ApicId);
        WaitTicks(InitDelayTicks, null);
        LocalApic.SendStartup(block->ApicId, page);
        if (WaitTicks(2, block)) return true;
        LocalApic.SendStartup(block->ApicId, page);
        return WaitTicks(StartupTimeoutTicks, block);
    }

    // Halts through `ticks` timer ticks, or until `block` is online; returns whether it is.
    private static bool WaitTicks(ulong ticks, PerCpuBlock* block)
    {
        ulong end = Timer.Ticks + ticks;
        while (Timer.Ticks < end)
        {
            if (block != null && block->Online != 0) return true;
            Cpu.EnableInterruptsAndHalt();
        }
        return block != null && block->Online != 0;
    }

    /// <summary>An AP's first C#: called by ap_entry64 on its own stack with the kernel's tables.</summary>
    [RuntimeExport("ApMain")]
    private static void ApMain(PerCpuBlock* block)
    {
        Cpu.WriteCr0(s_cr0);
        Cpu.WriteCr4(s_cr4);
        Cpu.WriteMsr(Efer, s_efer);
        Gdt.Load(block->Tss);
        PerCpu.Load(block);
        Idt.Load();
        UserMode.Init(block->KernelStackTop);
        LocalApic.InitThisCpu();
        LocalApic.StartPeriodic(Timer.TickHz);
        block->Online = 1;
        // Idle until the thread layer lets the APs run threads (Release); then never back here.
        while (s_threadEntry == null) Cpu.EnableInterruptsAndHalt();
        Cpu.DisableInterrupts();
        s_threadEntry();
    }

    private static delegate*<void> s_threadEntry;

    /// <summary>Lets every AP leave its boot idle loop into <paramref name="entry"/> (the thread layer's
    /// way into user mode, which never returns); each is woken by a reschedule IPI.</summary>
    public static void Release(delegate*<void> entry)
    {
        s_threadEntry = entry;
        for (int i = 1; i < PerCpu.Count; i++)
            if (PerCpu.Block(i)->Online != 0) CrossCall.Reschedule(i);
    }

    private static void LogCpus()
    {
        KernelLog.Begin(LogLevel.Info);
        KernelLog.Str("smp: ");
        KernelLog.Dec((ulong)OnlineCount);
        KernelLog.Str(" CPUs online (local APIC ids");
        for (int i = 0; i < PerCpu.Count; i++)
        {
            PerCpuBlock* b = PerCpu.Block(i);
            if (b->Online == 0) continue;
            KernelLog.Char(' ');
            KernelLog.Dec(b->ApicId);
        }
        KernelLog.Str("); the APs idle in hlt");
        KernelLog.End();
    }
}
