// CRC-32 (IEEE 802.3, as zlib's crc32 computes it), so the host can check a file's bytes with
// Python's zlib.crc32 against the figure the guest printed. Bitwise: the files are small.
static class Crc32
{
    public static uint Of(byte[] data, int length)
    {
        uint crc = 0xFFFFFFFFu;
        for (int i = 0; i < length; i++)
        {
            crc ^= data[i];
            for (int bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
