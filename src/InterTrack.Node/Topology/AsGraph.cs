namespace InterTrack.Node.Topology;

/// <summary>
/// An AS-level Internet topology: provider–customer and peer relationships (CAIDA's model,
/// valley-free routing). Neighbour lists are kept sorted by AS number.
/// </summary>
public sealed class AsGraph
{
    private readonly SortedDictionary<uint, (SortedSet<uint> Providers, SortedSet<uint> Customers, SortedSet<uint> Peers)> _ases = [];

    public IEnumerable<uint> Ases => _ases.Keys;

    public int Count => _ases.Count;

    public int LinkCount { get; private set; }

    public bool Contains(uint asNumber) => _ases.ContainsKey(asNumber);

    public IReadOnlySet<uint> Providers(uint asNumber) => Node(asNumber).Providers;

    public IReadOnlySet<uint> Customers(uint asNumber) => Node(asNumber).Customers;

    public IReadOnlySet<uint> Peers(uint asNumber) => Node(asNumber).Peers;

    /// <summary>Every AS related to this one: providers, customers and peers.</summary>
    public IEnumerable<uint> Neighbors(uint asNumber)
    {
        var n = Node(asNumber);
        return n.Providers.Concat(n.Customers).Concat(n.Peers);
    }

    public int Degree(uint asNumber)
    {
        var n = Node(asNumber);
        return n.Providers.Count + n.Customers.Count + n.Peers.Count;
    }

    public void AddAs(uint asNumber) => Ensure(asNumber);

    /// <summary>Adds "provider is a provider of customer" (CAIDA <c>provider|customer|-1</c>).</summary>
    /// <exception cref="ArgumentException">The two ASes already have a relationship, or are one AS.</exception>
    public void AddProviderCustomer(uint provider, uint customer)
    {
        CheckNew(provider, customer);
        Ensure(provider).Customers.Add(customer);
        Ensure(customer).Providers.Add(provider);
        LinkCount++;
    }

    /// <summary>Adds a peering (CAIDA <c>a|b|0</c>).</summary>
    public void AddPeers(uint a, uint b)
    {
        CheckNew(a, b);
        Ensure(a).Peers.Add(b);
        Ensure(b).Peers.Add(a);
        LinkCount++;
    }

    public bool Linked(uint a, uint b) =>
        _ases.TryGetValue(a, out var n) && (n.Providers.Contains(b) || n.Customers.Contains(b) || n.Peers.Contains(b));

    private void CheckNew(uint a, uint b)
    {
        if (a == b)
        {
            throw new ArgumentException($"AS{a} cannot be related to itself");
        }
        if (Linked(a, b))
        {
            throw new ArgumentException($"AS{a} and AS{b} already have a relationship");
        }
    }

    private (SortedSet<uint> Providers, SortedSet<uint> Customers, SortedSet<uint> Peers) Node(uint asNumber) =>
        _ases.TryGetValue(asNumber, out var n) ? n : throw new KeyNotFoundException($"AS{asNumber} is not in the topology");

    private (SortedSet<uint> Providers, SortedSet<uint> Customers, SortedSet<uint> Peers) Ensure(uint asNumber)
    {
        if (!_ases.TryGetValue(asNumber, out var n))
        {
            _ases[asNumber] = n = ([], [], []);
        }
        return n;
    }
}
