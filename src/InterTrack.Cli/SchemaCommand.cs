using System.CommandLine;
using InterTrack.Protocol;

namespace InterTrack.Cli;

/// <summary><c>intertrack schema</c>: prints the XML schema every inbound message is validated against.</summary>
internal static class SchemaCommand
{
    public static Command Create()
    {
        var command = new Command("schema", "Print the InterTrack message schema (XSD) this build validates messages against.");
        command.SetAction(parsed =>
        {
            parsed.InvocationConfiguration.Output.Write(MessageSchema.Text());
            return 0;
        });
        return command;
    }
}
