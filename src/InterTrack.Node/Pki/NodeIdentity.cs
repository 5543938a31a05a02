using System.Globalization;
using InterTrack.Protocol.Model;

namespace InterTrack.Node.Pki;

/// <summary>
/// Who a node is in the federation: an AS number and a role. Certificates carry it as a
/// subject-alternative-name URI <c>urn:intertrack:as65001:itm</c>; the subject CN says the same
/// for humans but is not trusted.
/// </summary>
public sealed record NodeIdentity(uint AsNumber, NodeRole Role)
{
    private const string UriPrefix = "urn:intertrack:as";

    /// <summary>The roles a certificate may bind: the managers and the Traceback Client.</summary>
    public static IReadOnlyList<NodeRole> CertifiableRoles { get; } = [NodeRole.Itm, NodeRole.Btm, NodeRole.Dtm, NodeRole.DPoint, NodeRole.Client];

    public string RoleName => RoleToName(Role);

    public Uri ToUri() => new($"{UriPrefix}{AsNumber.ToString(CultureInfo.InvariantCulture)}:{RoleName}");

    /// <summary>The NodeID this node uses in messages: an ITMID for an ITM, its URN otherwise.</summary>
    public NodeId ToNodeId() => Role == NodeRole.Itm ? NodeId.ForItm(AsNumber) : new OtherNodeId(ToUri().ToString());

    public NeighborNode ToNeighborNode() => new(ToNodeId());

    public override string ToString() => $"AS{AsNumber}/{RoleName}";

    public static bool TryParseUri(string uri, out NodeIdentity? identity)
    {
        identity = null;
        if (!uri.StartsWith(UriPrefix, StringComparison.Ordinal))
        {
            return false;
        }
        var parts = uri[UriPrefix.Length..].Split(':');
        if (parts.Length != 2 || !uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out uint asNumber)
            || asNumber == 0 || !TryParseRole(parts[1], out var role))
        {
            return false;
        }
        identity = new NodeIdentity(asNumber, role);
        return true;
    }

    /// <summary>Parses the short role names used on the command line and in certificates: itm, btm, dtm, dp, tc.</summary>
    public static bool TryParseRole(string text, out NodeRole role)
    {
        foreach (var candidate in CertifiableRoles)
        {
            if (RoleToName(candidate) == text)
            {
                role = candidate;
                return true;
            }
        }
        role = default;
        return false;
    }

    private static string RoleToName(NodeRole role) => role switch
    {
        NodeRole.Itm => "itm",
        NodeRole.Btm => "btm",
        NodeRole.Dtm => "dtm",
        NodeRole.DPoint => "dp",
        NodeRole.Client => "tc",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "not a certifiable role"),
    };
}
