// Damaged images aimed at chosen fields (issue 12: "a damaged image (fuzzed superblock, inodes,
// directory entries) gives errors, never a crashed or hung daemon"). DiskTests.Damage.cs's
// FuzzedImages flips random bits, which seldom lands on a directory entry's length or an inode's
// block pointer; here each such field gets the values that break naive code (0, all ones, pointers
// to metadata, lengths past the block or not a multiple of 4), one image per value, each served and
// exercised (Exercise). The offsets are ext2's (revision 1, 1 KiB blocks: the superblock at 1024,
// group 0's descriptor at 2048); the test image has one group.
using Vireo.Abi;
using T = Vireo.User.Testing.TestRunner;

static unsafe partial class DiskTests
{
    private const int Super = 1024, Descriptor = 2048;

    private static void FuzzedSuperblock()
    {
        // (offset, width in bytes, value): counts, geometry, revision, inode size, features.
        ulong[] cases =
        {
            Super + 0, 4, 0,                   // s_inodes_count
            Super + 0, 4, 0xFFFFFFFF,
            Super + 4, 4, 0xFFFFFFFF,          // s_blocks_count past the device
            Super + 4, 4, 1,
            Super + 12, 4, 0xFFFFFFFF,         // s_free_blocks_count
            Super + 16, 4, 0xFFFFFFFF,         // s_free_inodes_count
            Super + 20, 4, 5,                  // s_first_data_block
            Super + 24, 4, 30,                 // s_log_block_size: 1 TiB blocks
            Super + 24, 4, 0xFFFFFFFF,
            Super + 32, 4, 0,                  // s_blocks_per_group
            Super + 40, 4, 0,                  // s_inodes_per_group
            Super + 40, 4, 0xFFFFFFFF,
            Super + 76, 4, 7,                  // s_rev_level
            Super + 84, 4, 1,                  // s_first_ino
            Super + 84, 4, 0xFFFFFFFF,
            Super + 88, 2, 0,                  // s_inode_size
            Super + 88, 2, 3,
            Super + 88, 2, 0xFFFF,
            Super + 96, 4, 0xFFFFFFFF,         // s_feature_incompat
            Super + 100, 4, 0xFFFFFFFF,        // s_feature_ro_compat
            Descriptor + 0, 4, 0xFFFFFFFF,     // bg_block_bitmap
            Descriptor + 4, 4, 0,              // bg_inode_bitmap
            Descriptor + 8, 4, 0xFFFFFFF0,     // bg_inode_table
            Descriptor + 8, 4, 1,              // the inode table on the superblock
            Descriptor + 12, 2, 0xFFFF,        // bg_free_blocks_count
        };
        int served = 0;
        for (int i = 0; i < cases.Length; i += 3)
        {
            byte[] image = Copy();
            if (image == null) return;
            Poke(image, (int)cases[i], (int)cases[i + 1], (uint)cases[i + 2]);
            if (Exercise(image, "byte " + cases[i].ToString() + " = " + cases[i + 2].ToString())) served++;
        }
        // Both ways out are taken: geometry that cannot be is refused, lying counts are served.
        T.True(served > 0 && served < cases.Length / 3, "some images refused at mount, some served (" + served.ToString() + " served)");
    }

    private static void FuzzedInodes()
    {
        byte[] pristine = Copy();
        if (pristine == null) return;
        uint hello = Entry(pristine, 2, "hello.txt", out _), docs = Entry(pristine, 2, "docs", out _);
        uint numbers = Entry(pristine, docs, "numbers.txt", out _), link = Entry(pristine, docs, "link", out _);
        if (!T.True(hello != 0 && docs != 0 && numbers != 0 && link != 0, "the test image's inodes found")) return;
        uint table = U32(pristine, Descriptor + 8);
        // (inode, offset in the inode, width, value): type and size, links, block pointers aimed
        // outside the volume, at the superblock, the bitmaps or the inode table, data as pointers.
        ulong[] cases =
        {
            hello, 0, 2, 0,                    // i_mode: no type
            hello, 0, 2, 0xFFFF,
            hello, 0, 2, 0x41ED,               // a file's inode says directory: its bytes read as entries
            docs, 0, 2, 0x81A4,                // a directory's says file
            2, 0, 2, 0x81A4,                   // so does the root's
            hello, 4, 4, 0xFFFFFFFF,           // i_size past its blocks
            docs, 4, 4, 0xFFFFFFFF,
            numbers, 108, 4, 0xFFFFFFFF,       // i_size_high
            hello, 26, 2, 0,                   // i_links_count
            hello, 40, 4, 0xFFFFFFFF,          // i_block[0] outside the volume
            hello, 40, 4, 1,                   // i_block[0] on the superblock
            docs, 40, 4, table,                // a directory's block on the inode table
            numbers, 88, 4, 0xFFFFFFFF,        // i_block[12], the indirect block, outside
            numbers, 88, 4, 3,                 // the block bitmap as the indirect block
            numbers, 88, 4, U32(pristine, (int)(table * 1024 + (numbers - 1) * InodeSize(pristine) + 40)),   // data as pointers
            numbers, 92, 4, table,             // i_block[13], double indirect, on the inode table
            link, 4, 4, 0xFFFF,                // a fast symbolic link longer than its inode
        };
        int served = 0;
        for (int i = 0; i < cases.Length; i += 4)
        {
            byte[] image = Copy();
            int at = (int)(table * 1024 + (cases[i] - 1) * (ulong)InodeSize(image) + cases[i + 1]);
            Poke(image, at, (int)cases[i + 2], (uint)cases[i + 3]);
            if (Exercise(image, "inode " + cases[i].ToString() + " byte " + cases[i + 1].ToString() + " = " + cases[i + 3].ToString())) served++;
        }
        // Mounting reads no inode but the root's: the damage is met by the calls, not at mount.
        T.True(served >= cases.Length / 4 - 1, "every image but the one with a damaged root served (" + served.ToString() + " served)");
    }

    private static void FuzzedDirectoryEntries()
    {
        byte[] pristine = Copy();
        if (pristine == null) return;
        uint docs = Entry(pristine, 2, "docs", out int docsEntry);
        _ = Entry(pristine, 2, "hello.txt", out int helloEntry);
        _ = Entry(pristine, docs, "numbers.txt", out int numbersEntry);
        int root = DirectoryBlock(pristine, 2), docsBlock = DirectoryBlock(pristine, docs);
        if (!T.True(docsEntry > 0 && helloEntry > 0 && numbersEntry > 0, "the test image's entries found")) return;
        // (entry's offset, offset in the entry, width, value): rec_len 0 (a walk that never moves),
        // not a multiple of 4, past the block, shorter than the name; name_len past rec_len or 0;
        // inode 0, reserved, past the inode count, the root (a cycle); a file type that lies.
        ulong[] cases =
        {
            (ulong)root, 4, 2, 0,              // "."'s rec_len
            (ulong)root + 12, 4, 2, 3,         // ".."'s
            (ulong)root + 12, 4, 2, 0xFFFF,
            (ulong)helloEntry, 4, 2, 8,        // shorter than the name, leaving a gap to the block's end
            (ulong)helloEntry, 6, 1, 255,      // name_len
            (ulong)docsEntry, 6, 1, 0,
            (ulong)helloEntry, 0, 4, 0,        // inode
            (ulong)helloEntry, 0, 4, 7,        // the resize inode
            (ulong)helloEntry, 0, 4, 0xFFFFFFFF,
            (ulong)docsEntry, 0, 4, 2,         // /docs is the root
            (ulong)helloEntry, 7, 1, 0xFF,     // file_type
            (ulong)helloEntry, 7, 1, 2,        // a file said to be a directory
            (ulong)docsBlock, 4, 2, 0,         // in /docs: "."'s rec_len, then numbers.txt's
            (ulong)numbersEntry, 4, 2, 0x3FC,
            (ulong)numbersEntry, 0, 4, (ulong)docs,   // numbers.txt is /docs itself
        };
        int served = 0;
        for (int i = 0; i < cases.Length; i += 4)
        {
            byte[] image = Copy();
            Poke(image, (int)(cases[i] + cases[i + 1]), (int)cases[i + 2], (uint)cases[i + 3]);
            if (Exercise(image, "entry at " + cases[i].ToString() + " byte " + cases[i + 1].ToString() + " = " + cases[i + 3].ToString())) served++;
        }
        T.Equal(cases.Length / 4, served, "every image served: mounting reads no directory");
    }

    // --- reading the pristine image ----------------------------------------------------------

    private static int InodeSize(byte[] image) => image[Super + 88] | image[Super + 89] << 8;

    /// <summary>The byte offset of directory `ino`'s first block (the test image's directories
    /// have one block each).</summary>
    private static int DirectoryBlock(byte[] image, uint ino)
    {
        uint table = U32(image, Descriptor + 8);
        return (int)U32(image, (int)(table * 1024 + (ino - 1) * (uint)InodeSize(image) + 40)) * 1024;
    }

    /// <summary>The inode `name` names in directory `dir` (0 if none) and the entry's byte offset.</summary>
    private static uint Entry(byte[] image, uint dir, string name, out int at)
    {
        int block = DirectoryBlock(image, dir);
        for (at = block; at + 8 <= block + 1024;)
        {
            int length = image[at + 4] | image[at + 5] << 8, nameLength = image[at + 6];
            if (length < 8) break;
            bool same = nameLength == name.Length;
            for (int i = 0; same && i < nameLength; i++) same = image[at + 8 + i] == (byte)name[i];
            if (same) return U32(image, at);
            at += length;
        }
        at = 0;
        return 0;
    }

    private static void Poke(byte[] image, int at, int width, uint value)
    {
        for (int i = 0; i < width; i++) image[at + i] = (byte)(value >> (8 * i));
    }
}
