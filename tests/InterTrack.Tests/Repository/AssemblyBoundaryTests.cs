using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace InterTrack.Tests.Repository;

/// <summary>
/// A project's public types are the ones another project uses; everything else is internal, and only the test projects
/// see internals. Read from the built assemblies: a use is a TypeReference in another src assembly's metadata.
/// </summary>
public partial class AssemblyBoundaryTests
{
    /// <summary>Public types no other src project references, each with why it stays public. Keep it short.</summary>
    private static readonly Dictionary<string, string> PublicForAnotherReason = new()
    {
        // The compiler copies a constant into the assembly that uses it, which then has no reference to the declaring type.
        ["InterTrack.Protocol.Model.ClientOptions"] = "its option names are constants; Node's client and D Point use them",
        ["InterTrack.Node.Telemetry.LogEvents"] = "its event ids are constants; the log messages of Flow, LinkTesting, OperatorView, Rid and the CLI use them",
        ["InterTrack.Node.Telemetry.NodeMetrics"] = "its MeterName is a constant; Digest, Flow and OperatorView use it",
        ["InterTrack.Node.Telemetry.NodeActivity"] = "its SourceName is a constant; OperatorView uses it",
    };

    private static readonly string[] TestProjects = ["InterTrack.Tests", "InterTrack.IntegrationTests"];

    [Fact]
    public void Public_types_are_used_by_another_project()
    {
        var assemblies = SourceAssemblies().ToDictionary(a => a.Name, a => a.Metadata);
        var stale = PublicForAnotherReason.Keys.Except(assemblies.Values.SelectMany(PublicTopLevelTypes)).ToList();
        Assert.True(stale.Count == 0, "no longer public, so no longer an exception: " + string.Join(", ", stale));
        var used = assemblies.SelectMany(a => ReferencedTypes(a.Key, a.Value)).ToHashSet();
        used.UnionWith(assemblies.SelectMany(a => PublicTopLevelTypes(a.Value).Where(PublicForAnotherReason.ContainsKey).Select(t => (a.Key, t))));
        // A positional record's primary constructor and Deconstruct are as public as the record; their parameters' types go with it.
        for (int before = -1; before != used.Count;)
        {
            before = used.Count;
            used.UnionWith(assemblies.SelectMany(a => PositionalParameterTypes(a.Value, used.Where(u => u.Assembly == a.Key).Select(u => u.Type).ToHashSet())
                .Select(t => (a.Key, t))).ToList());
        }
        var unused = assemblies
            .SelectMany(a => PublicTopLevelTypes(a.Value).Select(type => (Assembly: a.Key, Type: type)))
            .Where(t => !used.Contains(t))
            .Select(t => $"{t.Assembly}: {t.Type}")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(unused.Count == 0,
            $"{unused.Count} public types are used only by their own project; make them internal:\n" + string.Join('\n', unused));
    }

    [Fact]
    public void Only_the_test_projects_see_a_src_projects_internals()
    {
        var assemblies = SourceAssemblies().ToList();
        var wrong = new List<string>();
        foreach (var (name, metadata) in assemblies)
        {
            var friends = InternalsVisibleTo(metadata).ToHashSet();
            wrong.AddRange(TestProjects.Where(t => !friends.Contains(t)).Select(t => $"{name}: no InternalsVisibleTo {t}"));
            wrong.AddRange(friends.Where(f => assemblies.Any(a => a.Name == f)).Select(f => $"{name}: InternalsVisibleTo {f}, a src project"));
        }
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    /// <summary>Every project under src/, read from the test's output directory, by its assembly name.</summary>
    private static IEnumerable<(string Name, MetadataReader Metadata)> SourceAssemblies()
    {
        var projects = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "src"), "*.csproj", SearchOption.AllDirectories);
        Assert.True(projects.Length > 10, "the src projects were not found");
        foreach (string project in projects)
        {
            string name = AssemblyName().Match(File.ReadAllText(project)) is { Success: true } m
                ? m.Groups[1].Value
                : Path.GetFileNameWithoutExtension(project);
            string path = Path.Combine(AppContext.BaseDirectory, name + ".dll");
            Assert.True(File.Exists(path), $"{path} is missing: the test project must reference {Path.GetFileName(project)}");
            // The reader's memory lives as long as the test process; a dozen small assemblies.
            var pe = new PEReader(File.OpenRead(path));
            yield return (name, pe.GetMetadataReader());
        }
    }

    private static IEnumerable<string> PublicTopLevelTypes(MetadataReader metadata) =>
        metadata.TypeDefinitions
            .Select(metadata.GetTypeDefinition)
            .Where(t => (t.Attributes & TypeAttributes.VisibilityMask) == TypeAttributes.Public)
            .Select(t => FullName(metadata, t.Namespace, t.Name));

    /// <summary>
    /// This assembly's types in the parameters of a public Deconstruct (which positional records have) of the
    /// <paramref name="used"/> types or their public nested types.
    /// </summary>
    private static IEnumerable<string> PositionalParameterTypes(MetadataReader metadata, HashSet<string> used) =>
        from handle in metadata.TypeDefinitions
        where IsPublic(metadata, handle) && used.Contains(TopLevelName(metadata, handle))
        from method in metadata.GetTypeDefinition(handle).GetMethods().Select(metadata.GetMethodDefinition)
        where metadata.GetString(method.Name) == "Deconstruct" && (method.Attributes & MethodAttributes.MemberAccessMask) == MethodAttributes.Public
        from type in method.DecodeSignature(new DefinedTypes(), null).ParameterTypes.SelectMany(t => t)
        select type;

    private static bool IsPublic(MetadataReader metadata, TypeDefinitionHandle handle)
    {
        var type = metadata.GetTypeDefinition(handle);
        return (type.Attributes & TypeAttributes.VisibilityMask) switch
        {
            TypeAttributes.Public => true,
            TypeAttributes.NestedPublic => IsPublic(metadata, type.GetDeclaringType()),
            _ => false,
        };
    }

    private static string TopLevelName(MetadataReader metadata, TypeDefinitionHandle handle)
    {
        var type = metadata.GetTypeDefinition(handle);
        while (!type.GetDeclaringType().IsNil)
        {
            type = metadata.GetTypeDefinition(type.GetDeclaringType());
        }
        return FullName(metadata, type.Namespace, type.Name);
    }

    /// <summary>(assembly, top-level type) for every type another assembly refers to; a nested type counts as its declaring type.</summary>
    private static IEnumerable<(string Assembly, string Type)> ReferencedTypes(string self, MetadataReader metadata)
    {
        foreach (var handle in metadata.TypeReferences)
        {
            var type = metadata.GetTypeReference(handle);
            while (type.ResolutionScope.Kind == HandleKind.TypeReference)
            {
                type = metadata.GetTypeReference((TypeReferenceHandle)type.ResolutionScope);
            }
            if (type.ResolutionScope.Kind != HandleKind.AssemblyReference)
            {
                continue;
            }
            string assembly = metadata.GetString(metadata.GetAssemblyReference((AssemblyReferenceHandle)type.ResolutionScope).Name);
            if (assembly != self)
            {
                yield return (assembly, FullName(metadata, type.Namespace, type.Name));
            }
        }
    }

    private static IEnumerable<string> InternalsVisibleTo(MetadataReader metadata)
    {
        foreach (var handle in metadata.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = metadata.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind != HandleKind.MemberReference)
            {
                continue;
            }
            var parent = metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent;
            if (parent.Kind != HandleKind.TypeReference
                || metadata.GetString(metadata.GetTypeReference((TypeReferenceHandle)parent).Name) != nameof(InternalsVisibleToAttribute))
            {
                continue;
            }
            // The attribute's blob: the prolog 0x0001, then its one string argument ("Name" or "Name, PublicKey=…").
            var blob = metadata.GetBlobReader(attribute.Value);
            blob.ReadUInt16();
            yield return blob.ReadSerializedString()!.Split(',')[0].Trim();
        }
    }

    private static string FullName(MetadataReader metadata, StringHandle ns, StringHandle name) =>
        ns.IsNil ? metadata.GetString(name) : metadata.GetString(ns) + "." + metadata.GetString(name);

    [GeneratedRegex(@"<AssemblyName>([^<]+)</AssemblyName>")]
    private static partial Regex AssemblyName();

    /// <summary>A signature's types defined in the assembly being read, by their top-level names; element and argument types included.</summary>
    private sealed class DefinedTypes : ISignatureTypeProvider<IEnumerable<string>, object?>
    {
        public IEnumerable<string> GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) =>
            [TopLevelName(reader, handle)];
        public IEnumerable<string> GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle,
            byte rawTypeKind) => reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
        public IEnumerable<string> GetGenericInstantiation(IEnumerable<string> genericType, ImmutableArray<IEnumerable<string>> typeArguments) =>
            genericType.Concat(typeArguments.SelectMany(t => t));
        public IEnumerable<string> GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => [];
        public IEnumerable<string> GetPrimitiveType(PrimitiveTypeCode typeCode) => [];
        public IEnumerable<string> GetGenericMethodParameter(object? genericContext, int index) => [];
        public IEnumerable<string> GetGenericTypeParameter(object? genericContext, int index) => [];
        public IEnumerable<string> GetFunctionPointerType(MethodSignature<IEnumerable<string>> signature) => [];
        public IEnumerable<string> GetSZArrayType(IEnumerable<string> elementType) => elementType;
        public IEnumerable<string> GetArrayType(IEnumerable<string> elementType, ArrayShape shape) => elementType;
        public IEnumerable<string> GetByReferenceType(IEnumerable<string> elementType) => elementType;
        public IEnumerable<string> GetPointerType(IEnumerable<string> elementType) => elementType;
        public IEnumerable<string> GetPinnedType(IEnumerable<string> elementType) => elementType;
        public IEnumerable<string> GetModifiedType(IEnumerable<string> modifier, IEnumerable<string> unmodifiedType, bool isRequired) => unmodifiedType;
    }
}
