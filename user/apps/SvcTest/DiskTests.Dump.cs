// An image diskfs wrote, for e2fsck on the host: the daemon works on a fresh image (files of every
// size class, a directory tree, renames, unlinks, a sparse file, links, writes and a truncate while a
// reader maps the file), closes everything and is
// killed (no unmount, as a power-off leaves it); then the image's non-zero 64-byte pieces go to the
// kernel log as "DISKIMG OFFSET HEX" lines between "DISKIMG BEGIN SIZE" and "DISKIMG END".
// ./vireo test puts them back together and runs e2fsck -fn on the result (check_disk_dump), until
// the disk tests can run on the virtio disk itself and e2fsck can read build/test-disk.img.
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe partial class DiskTests
{
    private static void ImageForFsck()
    {
        ulong pid = StartOn(Image());
        if (pid == 0) return;
        T.Status(Status.Ok, Fs.Mkdir(P("/a")), "mkdir /a");
        T.Status(Status.Ok, Fs.Mkdir(P("/a/b")), "mkdir /a/b");
        T.Status(Status.Ok, File.WriteAll(Bytes(P("/a/b/direct")), Pattern(5000, 2)), "a file in direct blocks");
        T.Status(Status.Ok, File.WriteAll(Bytes(P("/a/indirect")), Pattern(40000, 3)), "a file through the indirect block");
        T.Status(Status.Ok, File.WriteAll(Bytes(P("/gone")), Pattern(9000, 4)), "a file to unlink");
        T.Status(Status.Ok, Fs.Unlink(P("/gone")), "unlink it");
        T.Status(Status.Ok, Rename(P("/a/b/direct"), P("/moved")), "rename across directories");
        T.Status(Status.Ok, Rename(P("/a/b"), P("/docs/b")), "move a directory");
        T.Status(Status.Ok, Fs.Unlink(P("/docs/link")), "unlink a symbolic link");
        T.Status(Status.Ok, Fs.Open(P("/sparse"), OpenFlags.Write | OpenFlags.Create, out Fd fd), "a sparse file");
        T.Status(Status.Ok, Fs.Seek(fd, 290 * 1024, SeekFrom.Start, out _), "seek into the double indirect range");
        byte x = (byte)'x';
        T.Status(Status.Ok, Fs.Write(fd, &x, 1, out _), "one byte there");
        T.Status(Status.Ok, Fs.Ftruncate(fd, 100 * 1024), "cut back into the indirect range");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, File.WriteAll(Bytes(P("/hello.txt")), Pattern(3000, 5)), "overwrite a file from mke2fs");
        // Changes made while a reader maps the file: the page cache and the blocks must both take them.
        T.Status(Status.Ok, Fs.Open(P("/a/indirect"), OpenFlags.Read, out Fd r), "a reader of /a/indirect");
        byte* page = stackalloc byte[4096];
        T.Status(Status.Ok, Fs.Read(r, page, 4096, out _), "it maps the file");
        T.Status(Status.Ok, Fs.Open(P("/a/indirect"), OpenFlags.Write, out fd), "a writer");
        T.Status(Status.Ok, Fs.Seek(fd, 38000, SeekFrom.Start, out _), "near the end");
        T.Status(Status.Ok, Fs.Write(fd, page, 4096, out _), "a page's worth past the end");
        T.Status(Status.Ok, Fs.Ftruncate(fd, 20000), "cut back while mapped");
        T.Status(Status.Ok, Fs.Close(fd), "close the writer");
        T.Status(Status.Ok, Fs.Close(r), "close the reader");
        Stop(pid);
        byte[] image = new byte[ImageSize];
        if (!T.Status(Status.Ok, File.ReadAll(Bytes(ImagePath), image, out int length), "read the image back")) return;
        Dump(image, length);
    }

    private static void Dump(byte[] image, int length)
    {
        const int Piece = 64;
        const string Digits = "0123456789abcdef";
        char[] line = new char[Piece * 2];
        Console.WriteLine("DISKIMG BEGIN " + length.ToString());
        for (int at = 0; at + Piece <= length; at += Piece)
        {
            bool zero = true;
            for (int i = 0; i < Piece && zero; i++) zero = image[at + i] == 0;
            if (zero) continue;
            for (int i = 0; i < Piece; i++)
            {
                line[2 * i] = Digits[image[at + i] >> 4];
                line[2 * i + 1] = Digits[image[at + i] & 15];
            }
            Console.WriteLine("DISKIMG " + at.ToString() + " " + new string(line));
        }
        Console.WriteLine("DISKIMG END");
    }
}
