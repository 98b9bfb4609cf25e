// File modes as people read and write them: `ls -l`'s ten characters ("drwxr-xr-x", with s/S/t/T
// for set-id and sticky bits), and chmod's arguments, octal ("755", "0644") or symbolic ("u+x",
// "go-w", "a=rX,u+s"; clauses separated by ','), applied to a current mode as chmod(1) does (no who
// means all, without umask: there is none). Portable: tests/Kernel.Tests compiles this file.
using System;
using Vireo.Abi;

namespace Vireo.User;

public static class FileModeText
{
    public const int Width = 10;

    /// <summary>Writes the ten characters for `mode` (type letter and nine permission places).</summary>
    public static void Format(uint mode, Span<byte> into)
    {
        into[0] = (mode & FileModes.TypeMask) switch
        {
            FileModes.Directory => (byte)'d',
            FileModes.Symlink => (byte)'l',
            FileModes.CharDevice => (byte)'c',
            FileModes.BlockDevice => (byte)'b',
            FileModes.Fifo => (byte)'p',
            FileModes.Socket => (byte)'s',
            _ => (byte)'-',
        };
        for (int who = 0; who < 3; who++)
        {
            uint bits = mode >> (6 - 3 * who) & 7;
            into[1 + 3 * who] = (bits & 4) != 0 ? (byte)'r' : (byte)'-';
            into[2 + 3 * who] = (bits & 2) != 0 ? (byte)'w' : (byte)'-';
            bool x = (bits & 1) != 0;
            uint special = who == 0 ? FileModes.SetUid : who == 1 ? FileModes.SetGid : FileModes.Sticky;
            byte set = who == 2 ? (byte)'t' : (byte)'s';
            into[3 + 3 * who] = (mode & special) != 0 ? (x ? set : (byte)(set - 32)) : x ? (byte)'x' : (byte)'-';
        }
    }

    /// <summary>One to four octal digits, at most 07777.</summary>
    public static bool TryParseOctal(ReadOnlySpan<byte> text, out uint mode)
    {
        mode = 0;
        if (text.Length == 0 || text.Length > 4) return false;
        foreach (byte c in text)
        {
            if (c < '0' || c > '7') return false;
            mode = mode * 8 + (uint)(c - '0');
        }
        return true;
    }

    /// <summary>chmod's MODE applied to `current` (the file's permission bits): octal replaces them,
    /// symbolic clauses change them in turn. `directory` makes X mean x (as for a file that has an x
    /// bit already). False for text that is neither.</summary>
    public static bool TryApply(ReadOnlySpan<byte> text, uint current, bool directory, out uint mode)
    {
        if (TryParseOctal(text, out mode)) return true;
        mode = current & FileModes.PermissionMask;
        if (text.Length == 0) return false;
        int i = 0;
        while (true)
        {
            uint who = 0;
            for (; i < text.Length && Who(text[i]) != 0; i++) who |= Who(text[i]);
            if (who == 0) who = 0xFFF;   // a: every place, the special bits with them
            if (i == text.Length) return false;
            do
            {
                byte op = text[i++];
                if (op != '+' && op != '-' && op != '=') return false;
                uint perms = 0;
                for (; i < text.Length && text[i] != ',' && text[i] != '+' && text[i] != '-' && text[i] != '='; i++)
                {
                    uint p = Perm(text[i], mode, directory);
                    if (p == 0 && text[i] != 'X') return false;
                    perms |= p;
                }
                perms &= who;
                if (op == '+') mode |= perms;
                else if (op == '-') mode &= ~perms;
                else mode = mode & ~who | perms;   // "=": the places of `who` are exactly `perms`
            } while (i < text.Length && text[i] != ',');
            if (i == text.Length) return true;
            i++;   // ','
            if (i == text.Length) return false;
        }
    }

    // The bits a who letter stands for: its three rwx places and its special bit.
    private static uint Who(byte c) => c switch
    {
        (byte)'u' => 0x1C0 | FileModes.SetUid,
        (byte)'g' => 0x038 | FileModes.SetGid,
        (byte)'o' => 0x007 | FileModes.Sticky,
        (byte)'a' => 0xFFF,
        _ => 0,
    };

    // The bits a permission letter stands for, in every place (masked by who afterwards).
    private static uint Perm(byte c, uint mode, bool directory) => c switch
    {
        (byte)'r' => 0x124,
        (byte)'w' => 0x092,
        (byte)'x' => 0x049,
        (byte)'X' => directory || (mode & 0x049) != 0 ? 0x049u : 0u,
        (byte)'s' => FileModes.SetUid | FileModes.SetGid,
        (byte)'t' => FileModes.Sticky,
        _ => 0,
    };
}
