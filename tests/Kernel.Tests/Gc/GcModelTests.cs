// Random object graphs checked against a model: objects with reference fields, arrays of
// references and of structs, small and large, linked at random and held by precise roots and by
// conservative words (some interior). After every collection, each object the model can reach is
// intact (its MethodTable, its identity word, every reference); what it cannot reach is gone
// from the model, and after an explicit collection its memory is free: zero but for a free cell's
// link. A new object is always zero and never overlaps a reachable one.
using System;
using System.Collections.Generic;
using Vireo.User.Runtime;
using Xunit;

namespace Vireo.Tests.Gc;

public unsafe class GcModelTests
{
    private sealed class Obj
    {
        public nint Address;
        public long Id;
        public int Kind;        // 0..3: class with Kind refs; 4: ref array; 5: struct array
        public nint[] Refs;     // model of each reference slot (addresses)
        public nuint Size;
    }

    private sealed class Model
    {
        public readonly GcWorld W;
        public readonly byte*[] ClassTypes = new byte*[4];
        public readonly byte* RefArray, StructArray;
        public readonly Dictionary<nint, Obj> Objects = new();
        public readonly SortedSet<nint> Starts = new();
        public readonly Random Rng;
        public long NextId = 1;
        public ulong SeenCollections;

        public Model(int seed)
        {
            W = new GcWorld(minTrigger: 48 * 1024);
            for (int k = 0; k < 4; k++) ClassTypes[k] = W.ClassType(k, 1 + k);
            RefArray = W.RefArrayType();
            StructArray = W.StructArrayType();
            Rng = new Random(seed);
        }

        // The identity word: first data word of a class, the length word's neighbour for arrays
        // (a struct array's second half of element 0 is a plain long).
        public static long* IdSlot(Obj o) => o.Kind < 4 ? (long*)(o.Address + 8 + o.Kind * 8) : null;

        public nint SlotAddress(Obj o, int i) => o.Kind switch
        {
            < 4 => o.Address + 8 + i * 8,
            4 => o.Address + 16 + i * 8,
            _ => o.Address + 16 + i * 16,
        };

        public Obj New()
        {
            int kind = Rng.Next(6);
            byte* p;
            int slots;
            if (kind < 4)
            {
                p = W.New(ClassTypes[kind]);
                slots = kind;
            }
            else
            {
                // Mostly small arrays, now and then one past the small-object limit.
                slots = Rng.Next(8) == 0 ? 300 + Rng.Next(3000) : Rng.Next(20);
                p = W.NewArray(kind == 4 ? RefArray : StructArray, slots);
            }
            Assert.True(p != null);
            CheckAfterCollection(false);   // the allocation may have collected: forget the dead first
            var o = new Obj { Address = (nint)p, Id = NextId++, Kind = kind, Refs = new nint[slots] };
            o.Size = GcLayout.SizeOf(p);
            Assert.False(Objects.ContainsKey(o.Address), "a new object overlaps a live one");
            for (nuint b = 8; b < o.Size; b++)
            {
                if (kind >= 4 && b < 12) continue;   // the length
                Assert.Equal(0, p[b]);
            }
            // Objects are at most 48 KiB, so only those starting that far below can reach into it.
            foreach (nint start in Starts.GetViewBetween(o.Address - 48 * 1024, o.Address + (nint)o.Size - 1))
                Assert.False(o.Address < start + (nint)Objects[start].Size, "a new object overlaps a live one");
            Starts.Add(o.Address);
            if (IdSlot(o) != null) *IdSlot(o) = o.Id;
            if (kind == 5) for (int i = 0; i < slots; i++) *(long*)(o.Address + 24 + i * 16) = o.Id;
            Objects[o.Address] = o;
            return o;
        }

        public void Store(Obj o, int slot, Obj target)
        {
            nint value = target?.Address ?? 0;
            o.Refs[slot] = value;
            *(nint*)SlotAddress(o, slot) = value;
        }

        public Obj Random()
        {
            if (Objects.Count == 0) return null;
            int n = Rng.Next(Objects.Count);
            foreach (Obj o in Objects.Values) if (n-- == 0) return o;
            return null;
        }

        // Objects the roots reach, by the model's own links.
        public HashSet<nint> Reachable()
        {
            var seen = new HashSet<nint>();
            var work = new Stack<nint>();
            foreach (nint r in W.Roots) work.Push(r);
            var starts = new List<nint>(Objects.Keys);
            starts.Sort();
            for (int i = 0; i < GcWorld.StackWords; i++)
            {
                nint word = W.Stack[i];
                int at = starts.BinarySearch(word);
                if (at < 0) at = ~at - 1;
                if (at >= 0 && word < starts[at] + (nint)Objects[starts[at]].Size) work.Push(starts[at]);
            }
            while (work.Count > 0)
            {
                nint a = work.Pop();
                if (a == 0 || !seen.Add(a)) continue;
                foreach (nint r in Objects[a].Refs) work.Push(r);
            }
            return seen;
        }

        // Called whenever the heap's collection count moved.
        public void CheckAfterCollection(bool explicitCollection)
        {
            if (W.Heap->Collections == SeenCollections) return;
            SeenCollections = W.Heap->Collections;
            HashSet<nint> live = Reachable();
            var dead = new List<Obj>();
            foreach (Obj o in Objects.Values)
            {
                if (!live.Contains(o.Address))
                {
                    dead.Add(o);
                    continue;
                }
                byte* p = (byte*)o.Address;
                Assert.True(W.IsLiveObject(p));
                if (IdSlot(o) != null) Assert.Equal(o.Id, *IdSlot(o));
                if (o.Kind >= 4) Assert.Equal(o.Refs.Length, *(int*)(p + 8));
                if (o.Kind == 5) for (int i = 0; i < o.Refs.Length; i++) Assert.Equal(o.Id, *(long*)(p + 24 + i * 16));
                for (int i = 0; i < o.Refs.Length; i++) Assert.Equal(o.Refs[i], *(nint*)SlotAddress(o, i));
            }
            foreach (Obj o in dead)
            {
                Objects.Remove(o.Address);
                Starts.Remove(o.Address);
                if (!explicitCollection) continue;   // the allocation that collected may have reused it
                byte* p = (byte*)o.Address;
                Assert.True(*(byte**)p == null || W.Heap->Contains(*(byte**)p), "a freed object keeps its MethodTable");
                for (nuint b = 8; b < o.Size; b++) Assert.Equal(0, p[b]);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void RandomGraphsMatchTheModel(int seed)
    {
        var m = new Model(seed);
        using GcWorld w = m.W;
        for (int step = 0; step < 4000; step++)
        {
            int op = m.Rng.Next(100);
            if (op < 45)
            {
                Obj o = m.New();
                Obj holder = m.Random();
                int where = m.Rng.Next(10);
                if (where < 2) w.Roots.Add(o.Address);
                else if (where < 4) w.Stack[m.Rng.Next(GcWorld.StackWords)] = o.Address + (nint)m.Rng.Next((int)o.Size);
                else if (holder != null && holder != o && holder.Refs.Length > 0)
                    m.Store(holder, m.Rng.Next(holder.Refs.Length), o);
                // else: garbage from birth
            }
            else if (op < 70)
            {
                Obj a = m.Random(), b = m.Random();
                if (a != null && a.Refs.Length > 0) m.Store(a, m.Rng.Next(a.Refs.Length), m.Rng.Next(4) == 0 ? null : b);
            }
            else if (op < 80 && w.Roots.Count > 0)
            {
                w.Roots.RemoveAt(m.Rng.Next(w.Roots.Count));
            }
            else if (op < 90)
            {
                w.Stack[m.Rng.Next(GcWorld.StackWords)] = m.Rng.Next(3) == 0 ? 0 : (nint)m.Rng.NextInt64();
            }
            else if (op < 93)
            {
                Assert.True(w.Heap->Collect());
                m.CheckAfterCollection(true);
            }
        }
        Assert.True(w.Heap->Collections > 5);
    }
}
