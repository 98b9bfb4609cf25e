// A module the boot loader placed in memory (initial servers, ramdisk). End is exclusive, as both Multiboot
// versions define it; CmdlinePhys is the physical address of the module's NUL-terminated string (0 if none).
namespace Vireo.Kernel.Multiboot;

public struct BootModule
{
    public ulong Start;
    public ulong End;
    public ulong CmdlinePhys;

    public BootModule(ulong start, ulong end, ulong cmdlinePhys)
    {
        Start = start;
        End = end;
        CmdlinePhys = cmdlinePhys;
    }

    public ulong Length => End - Start;
}
