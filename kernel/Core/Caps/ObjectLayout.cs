// Sizes of kernel objects as retype makes them. A capability stores SizeBits; this turns the retype
// argument into that value and SizeBits into the object's log2 size in bytes.
using Vireo.Abi;

namespace Vireo.Kernel.Caps;

public static class ObjectLayout
{
    /// <summary>
    /// Checks a retype request. capSizeBits is what the capability will store, objectBits the log2 bytes.
    /// Fixed-size types accept 0 or their own size; Frame accepts 0 (4 KiB) or 12..30 (4 KiB to 1 GiB); an address
    /// space accepts 0 (the minimum, 12) or 12..22.
    /// </summary>
    public static bool TryRetypeSize(ObjectType type, int sizeBits, out int capSizeBits, out int objectBits)
    {
        capSizeBits = 0;
        objectBits = 0;
        switch (type)
        {
            case ObjectType.Untyped:
                if (sizeBits < ObjectSizes.MinUntypedBits || sizeBits > ObjectSizes.MaxUntypedBits)
                    return false;
                capSizeBits = sizeBits;
                break;
            case ObjectType.CNode:
                if (sizeBits < 0 || sizeBits > ObjectSizes.MaxCNodeSlotBits)
                    return false;
                capSizeBits = sizeBits;
                break;
            case ObjectType.Frame:
                if (sizeBits == 0)
                    capSizeBits = ObjectSizes.FrameBits;
                else if (sizeBits >= ObjectSizes.FrameBits && sizeBits <= ObjectSizes.MaxFrameBits)
                    capSizeBits = sizeBits;
                else
                    return false;
                break;
            case ObjectType.Thread:
                return TryFixed(ObjectSizes.ThreadBits, sizeBits, out capSizeBits, out objectBits);
            case ObjectType.AddressSpace:
                // The PML4, a bookkeeping page and a pool for its page tables: 8 KiB to 4 MiB.
                if (sizeBits == 0)
                    capSizeBits = ObjectSizes.AddressSpaceBits;
                else if (sizeBits >= ObjectSizes.AddressSpaceBits && sizeBits <= ObjectSizes.MaxAddressSpaceBits)
                    capSizeBits = sizeBits;
                else
                    return false;
                break;
            case ObjectType.Endpoint:
                return TryFixed(ObjectSizes.EndpointBits, sizeBits, out capSizeBits, out objectBits);
            case ObjectType.Notification:
                return TryFixed(ObjectSizes.NotificationBits, sizeBits, out capSizeBits, out objectBits);
            case ObjectType.Reply:
                return TryFixed(ObjectSizes.ReplyBits, sizeBits, out capSizeBits, out objectBits);
            default:
                return false;
        }
        objectBits = ObjectBits(type, capSizeBits);
        return true;
    }

    /// <summary>log2 bytes of an object given its capability's SizeBits.</summary>
    public static int ObjectBits(ObjectType type, int capSizeBits) =>
        type == ObjectType.CNode ? capSizeBits + ObjectSizes.SlotBits : capSizeBits;

    private static bool TryFixed(int bits, int sizeBits, out int capSizeBits, out int objectBits)
    {
        capSizeBits = bits;
        objectBits = bits;
        return sizeBits == 0 || sizeBits == bits;
    }
}
