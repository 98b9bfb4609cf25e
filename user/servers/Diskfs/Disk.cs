// The disk daemon's one choice of block device: the type every other file names as `Disk` (through
// the global alias below) and the way it is opened from the DEVICE argument. Today it is any scheme
// file used through Seek/Read/Write/Fsync (FileBlockDevice: an image in file:, or the raw disk the
// virtio-blk driver serves as blk:/vda). A faster device struct (the driver's shared buffer) plugs
// in here: change the alias and Open, and ilc specialises the volume and its cache for it.
global using Disk = Vireo.User.FileSystems.FileBlockDevice;

using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.FileSystems;
using Vireo.User.Schemes;

static class DiskDevice
{
    /// <summary>Opens the device at `path` for reading and writing. UnknownScheme when its scheme is
    /// not registered (no disk attached: the driver did not start, or found nothing).</summary>
    public static Status Open(ReadOnlySpan<byte> path, out Disk device)
    {
        device = default;
        Status s = File.Open(path, OpenFlags.Read | OpenFlags.Write, out Fd fd);
        if (s != Status.Ok) return s;
        s = FileBlockDevice.Over(fd, out device);
        if (s != Status.Ok) _ = Fs.Close(fd);   // nothing was written through it
        return s;
    }
}
