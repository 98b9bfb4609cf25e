// Leaving QEMU with a status through the isa-debug-exit device (port 0xF4): QEMU exits with
// (value << 1) | 1. A triple fault exits 0, so 0 never means success; the harness is ./vireo.
namespace Vireo.Kernel.Arch.X64;

public enum ExitStatus : byte
{
    Success = 0x10,  // QEMU exit 33
    Failure = 0x11,  // 35: a test failed
    Panic = 0x12,    // 37: kernel panic
}

public static class QemuExit
{
    public static void Exit(ExitStatus status)
    {
        Cpu.OutL(0xF4, (uint)status);
        // Without the device (real hardware, plain ISO boot) there is nothing to return to.
        Cpu.DisableInterrupts();
        while (true) Cpu.Halt();
    }
}
