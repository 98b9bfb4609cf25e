namespace Vireo.Kernel.Boot;

public static class Version
{
    public const string Name = "Vireo";
    public const string Number = "0.1.0";
}
