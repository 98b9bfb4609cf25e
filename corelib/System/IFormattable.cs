// The formatting interfaces. Interpolation and Console reach a value's formatting through
// ISpanFormattable (constrained calls on a generic T, so value types are not boxed).
namespace System
{
    public interface IFormatProvider
    {
        object GetFormat(Type formatType);
    }

    public interface IFormattable
    {
        string ToString(string format, IFormatProvider formatProvider);
    }

    public interface ISpanFormattable : IFormattable
    {
        bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider provider);
    }
}
