using InterTrack.Node.Kinds;

namespace InterTrack.Tests.Kinds;

/// <summary>The kinds the tests run: the program's own, and the same with the test project's <see cref="EchoKind"/>.</summary>
internal static class TestKinds
{
    public static KindRegistry Installed => InterTrack.Cli.TracebackKinds.All;

    public static KindRegistry WithEcho(EchoKind echo) => Installed.With(echo);
}
