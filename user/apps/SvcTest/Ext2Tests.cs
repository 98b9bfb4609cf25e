// The ext2 library (user/lib/FileSystems) as ilc compiled it for the guest: an image that
// `./vireo build` made with mke2fs -d from tests/ext2-content and packed into the initfs is read
// into memory, mounted, read, written (a file through the indirect range, a directory, a rename, an
// unlink), unmounted and mounted again. The host tests check the same code against e2fsck; this
// checks that it runs on Vireo's core library.
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.FileSystems;
using Vireo.User.FileSystems.Ext2;
using T = Vireo.User.Testing.TestRunner;

static unsafe class Ext2Tests
{
    private const int ImageSize = 256 * 1024;

    public static void Run()
    {
        T.Run("ext2.read_the_initfs_image", &ReadImage);
        T.Run("ext2.write_and_mount_again", &WriteAndRemount);
    }

    private static bool Load(out Ext2Volume<MemoryBlockDevice> volume, out byte[] image)
    {
        volume = null;
        image = new byte[ImageSize];
        if (!T.Status(Status.Ok, File.ReadAll("initfs:/etc/ext2-test.img"u8, image, out int length), "the image is in the initfs")) return false;
        if (!T.Equal(ImageSize, length, "the image is 256 KiB")) return false;
        return T.Status(Status.Ok, Ext2Volume<MemoryBlockDevice>.Mount(new MemoryBlockDevice(image), 32, out volume), "mount");
    }

    private static void ReadImage()
    {
        if (!Load(out var v, out _)) return;
        T.Status(Status.Ok, v.LookupPath("hello.txt"u8, out uint hello), "lookup /hello.txt");
        byte[] buffer = new byte[16384];
        T.Status(Status.Ok, v.Read(hello, 0, buffer, out int n), "read /hello.txt");
        T.True(Ascii.Equals(new ReadOnlySpan<byte>(buffer, 0, n), "hello from ext2\n"), "its contents");

        T.Status(Status.Ok, v.LookupPath("docs/numbers.txt"u8, out uint numbers), "lookup /docs/numbers.txt");
        T.Status(Status.Ok, v.Read(numbers, 0, buffer, out n), "read 13,890 bytes through an indirect block");
        int lines = 0;
        for (int i = 0; i < n; i++) if (buffer[i] == (byte)'\n') lines++;
        T.True(n == 13890 && lines == 3000 && Ascii.Equals(new ReadOnlySpan<byte>(buffer, n - 5, 5), "2999\n"), "3000 numbered lines");

        int entries = 0;
        ulong position = 0;
        while (v.ReadDirectory(Ext2Volume<MemoryBlockDevice>.Root, position, buffer, out _, out _, out _, out position, out bool end) == Status.Ok && !end)
            entries++;
        T.Equal(5, entries, "root holds . .. lost+found hello.txt docs");
        T.Status(Status.NotFound, v.LookupPath("nothing"u8, out _), "a missing name");
    }

    private static void WriteAndRemount()
    {
        if (!Load(out var v, out byte[] image)) return;
        uint root = Ext2Volume<MemoryBlockDevice>.Root;
        byte[] data = new byte[70000];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(i * 7 + (i >> 8));
        T.Status(Status.Ok, v.Mkdir(root, "made"u8, 0x1ED, 0, 0, out uint made), "mkdir /made");
        T.Status(Status.Ok, v.Create(made, "big"u8, 0x81A4, 0, 0, out uint big), "create /made/big");
        T.Status(Status.Ok, v.Write(big, 0, data, out int written), "write 70,000 bytes");
        T.Status(Status.Ok, v.Rename(made, "big"u8, root, "moved"u8), "rename to /moved");
        T.Status(Status.Ok, v.Unlink(root, "hello.txt"u8), "unlink /hello.txt");
        T.Status(Status.NotEmpty, v.Rmdir(root, "docs"u8), "rmdir of a full directory");
        T.Status(Status.Ok, v.Unmount(), "unmount");

        T.Status(Status.Ok, Ext2Volume<MemoryBlockDevice>.Mount(new MemoryBlockDevice(image), 32, out var again), "mount again");
        byte[] back = new byte[70000];
        T.Status(Status.Ok, again.LookupPath("moved"u8, out uint moved), "/moved is there");
        T.Status(Status.Ok, again.Read(moved, 0, back, out int n), "read it");
        T.True(n == data.Length && new ReadOnlySpan<byte>(back).SequenceEqual(data), "the bytes written");
        T.Status(Status.NotFound, again.LookupPath("hello.txt"u8, out _), "/hello.txt is gone");
        T.Status(Status.NotFound, again.LookupPath("made/big"u8, out _), "/made/big is gone");
    }
}
