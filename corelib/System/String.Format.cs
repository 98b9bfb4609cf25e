// Composite formatting: string.Format("{0,-8:X4} {1}", a, b), used by Console.WriteLine(format, ...)
// too. Items are {index[,alignment][:format]}; "{{" and "}}" are literal braces. Each argument is
// formatted as an interpolation hole is (DefaultInterpolatedStringHandler): a boxed number or any
// other ISpanFormattable/IFormattable with its format, through the interface; anything else with
// ToString().
namespace System
{
    public sealed partial class String
    {
        public static string Format(string format, object arg0) => FormatCore(format, new ReadOnlySpan<object>(ref arg0));

        public static string Format(string format, object arg0, object arg1)
        {
            var args = new object[] { arg0, arg1 };
            return FormatCore(format, args);
        }

        public static string Format(string format, object arg0, object arg1, object arg2)
        {
            var args = new object[] { arg0, arg1, arg2 };
            return FormatCore(format, args);
        }

        public static string Format(string format, params object[] args) => FormatCore(format, args);

        public static string Format(IFormatProvider provider, string format, params object[] args) => FormatCore(format, args);

        private static string FormatCore(string format, ReadOnlySpan<object> args)
        {
            if (format is null) throw new ArgumentNullException(nameof(format));
            var handler = new System.Runtime.CompilerServices.DefaultInterpolatedStringHandler(format.Length, args.Length);
            int i = 0;
            while (i < format.Length)
            {
                char c = format[i];
                if (c == '}')
                {
                    if (i + 1 < format.Length && format[i + 1] == '}') { handler.AppendFormatted('}'); i += 2; continue; }
                    throw new FormatException("Input string was not in a correct format.");
                }
                if (c != '{') { handler.AppendFormatted(c); i++; continue; }
                if (i + 1 < format.Length && format[i + 1] == '{') { handler.AppendFormatted('{'); i += 2; continue; }
                int close = format.IndexOf('}', i);
                if (close < 0) throw new FormatException("Input string was not in a correct format.");
                ReadOnlySpan<char> item = format.AsSpan(i + 1, close - i - 1);
                i = close + 1;

                ReadOnlySpan<char> itemFormat = default;
                int colon = item.IndexOf(':');
                if (colon >= 0) { itemFormat = item.Slice(colon + 1); item = item.Slice(0, colon); }
                int alignment = 0;
                int comma = item.IndexOf(',');
                if (comma >= 0)
                {
                    if (!int.TryParse(item.Slice(comma + 1), out alignment)) throw new FormatException("Input string was not in a correct format.");
                    item = item.Slice(0, comma);
                }
                if (!int.TryParse(item, out int index) || (uint)index >= (uint)args.Length)
                    throw new FormatException("Index (zero based) must be greater than or equal to zero and less than the size of the argument list.");
                handler.AppendFormatted(args[index], alignment, itemFormat.Length == 0 ? null : new string(itemFormat));
            }
            return handler.ToStringAndClear();
        }
    }
}
