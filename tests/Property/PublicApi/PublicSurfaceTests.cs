using System.Reflection;
using System.Text;
using SimdSfnn.Estimators;
using SimdSfnn.IO;
using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.PublicApi;

/// What a library user can reach (the engine's assemblies see each other's internals, so
/// `public` means "for users"): every exported type and its public and protected members, held to
/// public-surface.txt so a change to the surface is a reviewed change to that file. Rewrite it
/// with SFNN_UPDATE_PUBLIC_SURFACE=1 when the change is meant.
public sealed class PublicSurfaceTests
{
    static readonly Assembly[] Libraries =
        [typeof(RandomStream).Assembly, typeof(BadInputException).Assembly, typeof(NetworkShape).Assembly, typeof(EstimatorRegistry).Assembly];

    static readonly string Snapshot = Repository.Path("tests", "Property", "PublicApi", "public-surface.txt");

    [Fact]
    public void The_public_surface_is_the_reviewed_one()
    {
        string now = Describe(Libraries);
        if (Environment.GetEnvironmentVariable("SFNN_UPDATE_PUBLIC_SURFACE") == "1") File.WriteAllText(Snapshot, now);
        string reviewed = File.ReadAllText(Snapshot).ReplaceLineEndings("\n");
        var added = Lines(now).Except(Lines(reviewed)).ToArray();
        var removed = Lines(reviewed).Except(Lines(now)).ToArray();
        Assert.True(added.Length == 0 && removed.Length == 0,
            $"the public surface changed (SFNN_UPDATE_PUBLIC_SURFACE=1 rewrites {Snapshot} if that is meant)\n" +
            string.Join('\n', added.Select(l => "+ " + l).Concat(removed.Select(l => "- " + l))));
    }

    [Fact]
    public void The_command_line_binary_exports_nothing()
    {
        Assert.Empty(typeof(SimdSfnn.Cli.Options.CommandTree).Assembly.GetExportedTypes());
    }

    [Fact]
    public void The_description_sees_a_public_member_and_not_an_internal_one()
    {
        string text = Describe([typeof(PublicSurfaceTests).Assembly]);
        Assert.Contains("SimdSfnn.Property.PublicApi.PublicSurfaceTests", text, StringComparison.Ordinal);
        Assert.Contains("The_public_surface_is_the_reviewed_one()", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Describe(", text, StringComparison.Ordinal);
    }

    static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// One line per exported type and one per member, sorted, in a form that changes when a
    /// signature does.
    static string Describe(Assembly[] assemblies)
    {
        var lines = new List<string>();
        const BindingFlags visible = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in assemblies.SelectMany(a => a.GetExportedTypes()))
        {
            string name = Name(type);
            lines.Add($"{Kind(type)} {name}");
            foreach (var member in type.GetMembers(visible))
            {
                string? text = Member(member);
                if (text is not null) lines.Add($"{name} :: {text}");
            }
        }
        lines.Sort(StringComparer.Ordinal);
        var builder = new StringBuilder();
        foreach (var line in lines) builder.Append(line).Append('\n');
        return builder.ToString();
    }

    static string Kind(Type type) =>
        type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" :
        type.IsAbstract && type.IsSealed ? "static class" : type.IsSealed ? "sealed class" : "class";

    static string? Member(MemberInfo member) => member switch
    {
        ConstructorInfo c when Visible(c) => $"ctor({Parameters(c)})",
        MethodInfo m when Visible(m) && !m.IsSpecialName => $"{(m.IsStatic ? "static " : "")}{Name(m.ReturnType)} {m.Name}({Parameters(m)})",
        PropertyInfo p when p.GetMethod is { } g && Visible(g) => $"{(g.IsStatic ? "static " : "")}{Name(p.PropertyType)} {p.Name} {{ get;{(p.SetMethod is { } s && Visible(s) ? " set;" : "")} }}",
        FieldInfo f when f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{Name(f.FieldType)} {f.Name}",
        EventInfo e when e.AddMethod is { } a && Visible(a) => $"event {Name(e.EventHandlerType!)} {e.Name}",
        _ => null,
    };

    static bool Visible(MethodBase m) => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly;

    static string Parameters(MethodBase m) =>
        string.Join(", ", m.GetParameters().Select(p => $"{Name(p.ParameterType)} {p.Name}"));

    static string Name(Type type) =>
        type.IsGenericType
            ? $"{type.Namespace}.{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>"
            : type.FullName ?? type.Name;
}
