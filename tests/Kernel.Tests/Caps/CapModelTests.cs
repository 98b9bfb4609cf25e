// Randomized sequences of retype/copy/mint/move/delete/revoke, checked step by step against CapModel,
// plus invariants checked directly on the kernel's slots so a bug shared by model and kernel still shows.
using System;
using System.Collections.Generic;
using Vireo.Abi;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;
using Xunit;

namespace Vireo.Tests.Caps;

public class CapModelTests
{
    private static readonly (ObjectType Type, int Bits)[] Kinds =
    {
        (ObjectType.Endpoint, 0), (ObjectType.Notification, 0), (ObjectType.Frame, 0), (ObjectType.Frame, 21),
        (ObjectType.Thread, 0), (ObjectType.AddressSpace, 0), (ObjectType.CNode, 1), (ObjectType.CNode, 2),
        (ObjectType.CNode, 3), (ObjectType.Untyped, 12), (ObjectType.Untyped, 14), (ObjectType.Untyped, 16),
        (ObjectType.Reply, 0), (ObjectType.IrqHandler, 0), (ObjectType.CNode, 17), (ObjectType.Untyped, 11),
    };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void RandomSequencesMatchModel(int seed) => Run(seed, 4000);

    // The same with every delete and revoke run as the syscalls run them (DyingCNodeTests.AsSyscall: the
    // kernel's list of dying CNodes drained restartably) and stopped at every Nth preemption point: the
    // model's one-stretch prediction must still hold, hook call by hook call.
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 7)]
    [InlineData(3, 300)]
    public void RandomSequencesStoppedAtPointsMatchModel(int seed, int every) => Run(seed, 2000, every);

    // Delete (the kernel's own, CapOps.Delete: no emptying first) or revoke: one stretch, or (every > 0) as
    // the syscall layer runs it with stops.
    private static Status Run(CapsWorld w, int every, SlotAddr slot, bool revoke)
    {
        if (every == 0)
            return revoke ? w.Revoke(slot) : w.Delete(slot);
        w.Hooks.PreemptEvery = every;
        Status s = DyingCNodeTests.AsSyscall(w, revoke ? (ref SlotAddr p) => CapOps.Revoke(w.Map, slot, ref p, ref w.Hooks)
            : (ref SlotAddr p) => CapOps.Delete(w.Map, slot, ref p, ref w.Hooks), out _);
        w.Hooks.PreemptEvery = 0;
        return s;
    }

    private static void Run(int seed, int steps, int every = 0)
    {
        using var w = new CapsWorld();
        var model = new CapModel();
        model.CNodes.Add((CapsWorld.RootCNode, CapsWorld.RootSlotBits));
        model.InstallRoot(w.RootUntyped, ObjectType.Untyped, CapsWorld.UntypedBase, CapsWorld.UntypedBits);
        ModelCap root = model.Caps[w.RootUntyped];
        var rng = new Random(seed);
        int checkedLog = 0;
        var counts = new int[7];

        for (int step = 0; step < steps; step++)
        {
            var caps = new List<ModelCap>(model.Caps.Values);
            caps.Sort((a, b) => a.Slot.Value.CompareTo(b.Slot.Value));
            ModelCap src = caps[rng.Next(caps.Count)];
            SlotAddr dst = RandomSlot(model, rng);
            int op = rng.Next(100);
            Status expected, actual;
            string what;
            if (op < 30)
            {
                var untypeds = caps.FindAll(c => c.Type == ObjectType.Untyped);
                ModelCap u = rng.Next(10) == 0 ? src : untypeds[rng.Next(untypeds.Count)];
                (ObjectType type, int bits) = Kinds[rng.Next(Kinds.Length)];
                (ulong cn, int cnBits) = model.CNodes[rng.Next(model.CNodes.Count)];
                ulong index = (ulong)rng.Next(1 << cnBits);
                ulong count = (ulong)rng.Next(0, 4);
                expected = model.Retype(u.Slot, type, bits, cn, cnBits, index, count);
                actual = Untyped.Retype(w.Map, u.Slot, type, bits, new PhysAddr(cn), cnBits, index, count, ref w.Hooks);
                what = "retype";
                counts[0]++;
            }
            else if (op < 50)
            {
                Rights mask = (Rights)rng.Next(64);
                expected = model.Copy(src.Slot, dst, mask, false, 0);
                actual = CapOps.Copy(w.Map, src.Slot, dst, mask);
                what = "copy";
                counts[1]++;
            }
            else if (op < 58)
            {
                Rights mask = (Rights)rng.Next(64);
                ulong badge = (ulong)rng.Next(4);
                expected = model.Copy(src.Slot, dst, mask, true, badge);
                actual = CapOps.Mint(w.Map, src.Slot, dst, mask, badge);
                what = "mint";
                counts[2]++;
            }
            else if (op < 70)
            {
                // The root untyped stays in the root CNode, so no CNode death takes it along.
                if (src == root)
                    dst = w.Slot((ulong)rng.Next(1 << CapsWorld.RootSlotBits));
                SlotAddr from = src.Slot;
                expected = model.Move(from, dst);
                actual = CapOps.Move(w.Map, from, dst);
                what = "move";
                counts[3]++;
            }
            else if (op < 90)
            {
                if (src == root)
                    continue;
                expected = model.Delete(src.Slot);
                actual = Run(w, every, src.Slot, revoke: false);
                what = "delete";
                counts[4]++;
            }
            else
            {
                ModelCap target = rng.Next(8) == 0 ? root : src;
                SlotAddr slot = target.Slot;
                // Where the target's descendants are before the revoke: afterwards the kernel's slots
                // there must all be empty.
                var doomed = new List<SlotAddr>();
                foreach (ModelCap c in model.Caps.Values)
                    if (CapModel.IsDescendant(c, target))
                        doomed.Add(c.Slot);
                expected = model.Revoke(slot);
                actual = Run(w, every, slot, revoke: true);
                what = "revoke";
                counts[5]++;
                foreach (SlotAddr d in doomed)
                    Assert.True(w.At(d).IsEmpty, "seed " + seed + " step " + step + ": slot " + d.Value + " survived the revoke");
                if (model.Caps.ContainsKey(slot))
                    Assert.True(w.At(slot).FirstChild.IsNull);
                if (target == root)
                {
                    Assert.Equal(0UL, w.At(root.Slot).Watermark);
                    Assert.Equal(0UL, w.At(root.Slot).ChildCount);
                }
            }
            if (expected == Status.Ok)
                counts[6]++;
            if (actual == Status.Ok && (what == "copy" || what == "mint"))
            {
                Assert.True((w.At(dst).Rights & ~w.At(src.Slot).Rights) == 0, "rights grew");
                Assert.True(w.At(src.Slot).Badge == 0 || w.At(src.Slot).Badge == w.At(dst).Badge, "badge changed");
            }
            if (expected != actual)
                Assert.Fail("seed " + seed + " step " + step + " " + what + ": expected " + expected + ", got " + actual);
            checkedLog = CheckLog(w, model, checkedLog, seed, step);
            CheckState(w, model, seed, step);
        }

        // Everything goes back: revoking the root untyped empties it.
        Assert.Equal(Status.Ok, w.Revoke(root.Slot));
        Assert.Equal(Status.Ok, model.Revoke(root.Slot));
        CheckLog(w, model, checkedLog, seed, steps);
        CheckState(w, model, seed, steps);
        Assert.Equal(0UL, w.At(root.Slot).Watermark);
        Assert.Equal(0UL, w.At(root.Slot).ChildCount);
        Assert.Single(model.Caps);
        // The sequences really exercised every operation, with successes.
        foreach (int n in counts)
            Assert.True(n > 100);
        Assert.True(w.Log.Count("destroy") > 200);
    }

    private static SlotAddr RandomSlot(CapModel model, Random rng)
    {
        (ulong cn, int bits) = model.CNodes[rng.Next(model.CNodes.Count)];
        return CapsWorld.SlotIn(cn, (ulong)rng.Next(1 << bits));
    }

    private static int CheckLog(CapsWorld w, CapModel model, int from, int seed, int step)
    {
        if (w.Log.Calls.Count != model.Expected.Count)
            Assert.Fail("seed " + seed + " step " + step + ": " + w.Log.Calls.Count + " hook calls, model expects " + model.Expected.Count);
        for (int i = from; i < model.Expected.Count; i++)
            if (w.Log.Calls[i] != model.Expected[i])
                Assert.Fail("seed " + seed + " step " + step + ": hook " + w.Log.Calls[i] + ", model expects " + model.Expected[i]);
        return model.Expected.Count;
    }

    private static void CheckState(CapsWorld w, CapModel model, int seed, int step)
    {
        string at = "seed " + seed + " step " + step + ": ";
        foreach ((ulong cn, int bits) in model.CNodes)
        {
            for (ulong i = 0; i < 1UL << bits; i++)
            {
                SlotAddr slot = CapsWorld.SlotIn(cn, i);
                CapSlot s = w.At(slot);
                Assert.True(s.Generation == model.Generation(slot), at + "generation of " + slot.Value);
                if (!model.Caps.TryGetValue(slot, out ModelCap m))
                {
                    Assert.True(s.IsEmpty, at + "slot " + slot.Value + " should be empty");
                    Assert.Equal(0UL, s.Object);
                    Assert.True(s.FirstChild.IsNull && s.Next.IsNull && s.PrevOrParent.IsNone, at + "links left in " + slot.Value);
                    continue;
                }
                Assert.True(m.Type == s.Type, at + "type of " + slot.Value);
                Assert.Equal(m.Rights, s.Rights);
                Assert.Equal(m.Object.Phys, s.Object);
                Assert.Equal(m.Object.CapBits, s.SizeBits);
                Assert.Equal(m.Original, s.IsOriginal);
                Assert.Equal(m.Padded, (s.Flags & CapFlags.Padded) != 0);
                if (m.Type == ObjectType.Untyped)
                {
                    Assert.True(m.Watermark == s.Watermark, at + "watermark of " + slot.Value);
                    Assert.Equal(m.Count, s.ChildCount);
                }
                else
                {
                    Assert.Equal(m.Badge, s.Badge);
                }
                List<SlotAddr> children = w.Children(slot);
                Assert.True(children.Count == m.Children.Count, at + "children of " + slot.Value);
                for (int c = 0; c < children.Count; c++)
                    Assert.Equal(m.Children[c].Slot, children[c]);
                Assert.Equal(m.Parent == null ? SlotAddr.Null : m.Parent.Slot, w.Parent(slot));

                CheckInvariants(w, slot, s, at);
            }
        }
    }

    /// <summary>Checks on the kernel's own slots, independent of the model.</summary>
    private static void CheckInvariants(CapsWorld w, SlotAddr slot, CapSlot s, string at)
    {
        SlotAddr parentSlot = w.Parent(slot);
        if (s.IsOriginal)
        {
            // The root of its object's subtree: under the untyped it came from, or a boot root.
            if (!parentSlot.IsNull)
            {
                CapSlot p = w.At(parentSlot);
                Assert.True(p.Type == ObjectType.Untyped, at + "original under a non-untyped");
                Assert.True(s.Object >= p.Object && s.Object + (1UL << ObjectLayout.ObjectBits(s.Type, s.SizeBits)) <= p.Object + (1UL << p.SizeBits));
                Assert.True(s.Object + (1UL << ObjectLayout.ObjectBits(s.Type, s.SizeBits)) - p.Object <= p.Watermark, at + "object above watermark");
            }
        }
        else
        {
            // A copy: under a capability to the same object. (Rights are checked when copies are made:
            // after a promotion a sibling may hold rights its new parent lacks; no capability gains any.)
            Assert.False(parentSlot.IsNull, at + "a copy without a parent");
            CapSlot p = w.At(parentSlot);
            Assert.True(p.Type == s.Type && p.Object == s.Object, at + "copy under another object");
        }
        if (s.Type == ObjectType.Untyped)
        {
            Assert.Equal((ulong)w.Children(slot).Count, s.ChildCount);
            if (s.ChildCount == 0)
                Assert.Equal(0UL, s.Watermark);
        }
    }

    [Fact]
    public void ObjectIsDestroyedExactlyWhenItsLastCapGoes()
    {
        // Independent of the model: replay a random run and track live objects from the hook log alone.
        using var w = new CapsWorld();
        var rng = new Random(11);
        var live = new HashSet<(ObjectType, ulong)>();
        int seen = 0;
        for (int step = 0; step < 3000; step++)
        {
            SlotAddr a = w.Slot((ulong)rng.Next(2, 256));
            SlotAddr b = w.Slot((ulong)rng.Next(2, 256));
            switch (rng.Next(5))
            {
                case 0:
                    (ObjectType type, int bits) = Kinds[rng.Next(3)];
                    w.Retype(w.RootUntyped, type, bits, (ulong)rng.Next(2, 256));
                    break;
                case 1:
                    CapOps.Copy(w.Map, a, b, (Rights)rng.Next(64));
                    break;
                case 2:
                    CapOps.Move(w.Map, a, b);
                    break;
                case 3:
                    w.Delete(a);
                    break;
                default:
                    int r = rng.Next(40);
                    if (r == 0)
                        w.Revoke(w.RootUntyped);
                    else if (r < 10)
                        w.Revoke(a);
                    break;
            }
            for (; seen < w.Log.Calls.Count; seen++)
            {
                HookCall c = w.Log.Calls[seen];
                if (c.Kind == "init")
                    Assert.True(live.Add((c.Type, c.Phys)), "made twice");
                else if (c.Kind == "destroy")
                    Assert.True(live.Remove((c.Type, c.Phys)), "destroyed twice or never made");
            }
            // Live objects are exactly those some slot names.
            var named = new HashSet<(ObjectType, ulong)>();
            for (ulong i = 2; i < 256; i++)
                if (!w.Cap(i).IsEmpty)
                    named.Add((w.Cap(i).Type, w.Cap(i).Object));
            Assert.True(live.SetEquals(named), "step " + step);
        }
        Assert.True(w.Log.Count("destroy") > 100, "only " + w.Log.Count("destroy") + " destroyed, " + w.Log.Count("init") + " made");
    }
}
