// A process's view of the schemes: its Namespace capability (given by its parent) names the root
// scheme, which maps scheme names to daemons. Resolved schemes are cached; a cached capability that
// stops working (its daemon died and was restarted) is looked up again once.
using System;
using Vireo.Abi;

namespace Vireo.User.Schemes;

public static unsafe class Namespace
{
    private const int CacheSize = 16;
    private struct Names { public fixed byte Bytes[CacheSize * (SchemeLimits.MaxName + 1)]; }
    private struct Caps { public fixed ulong Handles[CacheSize]; public fixed int Lengths[CacheSize]; }
    private static Names s_names;
    private static Caps s_caps;
    private static int s_next;

    public static CapHandle Root => new CapHandle(ProcessSlots.Namespace, 0);

    /// <summary>Splits "name:rest" (or "/scheme/name/rest") into the scheme name and the rest
    /// (SchemePath.Split).</summary>
    public static Status Split(byte* path, int length, out byte* name, out int nameLength, out byte* rest, out int restLength) =>
        SchemePath.Split(path, length, out name, out nameLength, out rest, out restLength);

    /// <summary>The capability of a scheme, from the cache or the root scheme.</summary>
    public static Status Lookup(byte* name, int length, out CapHandle scheme)
    {
        scheme = default;
        if (length <= 0) return Status.UnknownScheme;
        if (length > SchemeLimits.MaxName) return Status.NameTooLong;
        int hit = Find(name, length);
        if (hit >= 0)
        {
            scheme = new CapHandle(s_caps.Handles[hit]);
            return Status.Ok;
        }
        SchemeCall.Put(name, length);
        Status s = SchemeCall.Call(Root, SchemeOp.Lookup, 0, 0, 0, length, 0, 1, out SchemeReply r);
        if (s != Status.Ok) return s == Status.NotFound ? Status.UnknownScheme : s;
        scheme = r.Cap0;
        Remember(name, length, scheme);
        return Status.Ok;
    }

    /// <summary>Waits until scheme `name` is registered, then returns its capability (cached, in place
    /// of one cached before: a restarted daemon's name is new). `daemon` is the pid of the process
    /// meant to register it: if it ends first the answer is PeerDied, never a wait for ever. With
    /// `boundMilliseconds` the wait ends with WouldBlock once they have passed; `daemon` may then be 0
    /// (any process may register it: the console's new ttyd, whose pid the shell does not know).</summary>
    public static Status AwaitName(byte* name, int length, ulong daemon, out CapHandle scheme, ulong boundMilliseconds = 0)
    {
        scheme = default;
        if (length > SchemeLimits.MaxName) return Status.NameTooLong;
        SchemeCall.Put(name, length);
        Status s = SchemeCall.Call(Root, SchemeOp.AwaitName, daemon, boundMilliseconds, 0, length, 0, 1, out SchemeReply r);
        if (s != Status.Ok) return s;
        scheme = r.Cap0;
        int hit = Find(name, length);
        if (hit >= 0) Forget(new CapHandle(s_caps.Handles[hit]));
        Remember(name, length, scheme);
        return Status.Ok;
    }

    /// <summary>Waits, at most `ms` milliseconds, until the scheme of `path` (SCHEME:...) is registered by
    /// any process: a device whose driver someone else starts, or starts again (pcid's manager).</summary>
    public static Status AwaitPath(ReadOnlySpan<byte> path, ulong ms)
    {
        Status s = SchemePath.Split(path, out ReadOnlySpan<byte> scheme, out _);
        if (s != Status.Ok) return s;
        fixed (byte* name = scheme)
            return AwaitName(name, scheme.Length, 0, out _, ms);
    }

    /// <summary>Drops a cached scheme capability that stopped working, so the next lookup asks again.</summary>
    public static void Forget(CapHandle scheme)
    {
        for (int i = 0; i < CacheSize; i++)
        {
            if (s_caps.Handles[i] != scheme.Value || scheme.Value == 0) continue;
            CSpace.Release(scheme);
            s_caps.Handles[i] = 0;
            s_caps.Lengths[i] = 0;
            s_names.Bytes[i * (SchemeLimits.MaxName + 1)] = 0;
        }
    }

    /// <summary>Registers this daemon's endpoint as scheme `name` (needs the register right).</summary>
    public static Status Register(string name, CapHandle endpoint)
    {
        if (name.Length == 0) return Status.InvalidArgument;
        if (name.Length > SchemeLimits.MaxName) return Status.NameTooLong;
        SchemeCall.Put(name);
        SchemeCall.Buffer->SendCaps[0] = endpoint.Value;
        return SchemeCall.Call(Root, SchemeOp.Register, 0, 0, 0, name.Length, 1, 0, out _);
    }

    /// <summary>The name of the index-th registered scheme (into `name`, up to MaxName bytes); the next
    /// index in `next`. NotFound past the end.</summary>
    public static Status List(ulong index, byte* name, out int length, out ulong next)
    {
        length = 0;
        next = 0;
        Status s = SchemeCall.Call(Root, SchemeOp.List, index, 0, 0, 0, 0, 0, out SchemeReply r);
        if (s != Status.Ok) return s;
        length = r.DataLength > SchemeLimits.MaxName ? SchemeLimits.MaxName : r.DataLength;
        SchemeCall.Buffer_MemoryCopy(name, SchemeCall.Data, length);
        next = r.W0;
        return Status.Ok;
    }

    private static int Find(byte* name, int length)
    {
        for (int i = 0; i < CacheSize; i++)
        {
            if (s_caps.Lengths[i] == length && s_caps.Handles[i] != 0 && Ascii.Equals(Entry(i), name, length)) return i;
        }
        return -1;
    }

    private static void Remember(byte* name, int length, CapHandle scheme)
    {
        int i = s_next;
        s_next = (s_next + 1) % CacheSize;
        if (s_caps.Handles[i] != 0) Forget(new CapHandle(s_caps.Handles[i]));
        byte* entry = Entry(i);
        for (int k = 0; k < length; k++) entry[k] = name[k];
        entry[length] = 0;
        s_caps.Lengths[i] = length;
        s_caps.Handles[i] = scheme.Value;
    }

    private static byte* Entry(int i)
    {
        fixed (byte* p = s_names.Bytes) return p + i * (SchemeLimits.MaxName + 1);
    }
}
