using System.Xml.Linq;
using LinuxVm.DocGen.Diagnostics;
using LinuxVm.DocGen.Pipeline;
using LinuxVm.DocGen.Site;

namespace LinuxVm.DocGen.Tests;

/// <summary>
/// The site's docfx configuration is the committed docfx.json at the root: DocGen writes the woven
/// pages where it builds from, checks what it documents is built, and generates no configuration.
/// </summary>
public class DocfxConfigTests
{
    private static string RepoRoot => Path.GetFullPath(Path.Combine(Fixture.ProjectDir(), "..", ".."));

    private static void InCopy(Action<string> test, params (string Path, string Text)[] files)
    {
        string dir = Fixture.Copy(files);
        try
        {
            if (Directory.Exists(Path.Combine(dir, ".docgen")))
                Directory.Delete(Path.Combine(dir, ".docgen"), recursive: true);
            test(dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TheRepositoryDocfxJson_BuildsWhereDocGenWeavesAndDocumentsEveryProjectOfThePort()
    {
        var config = DocfxConfig.Read(RepoRoot)!;
        var defaults = new BuildOptions();
        Assert.Equal([Path.Combine(defaults.Work, "site-src").Replace('\\', '/')], config.ContentFolders);
        var projects = defaults.Sources
            .SelectMany(s => Directory.EnumerateFiles(Path.Combine(RepoRoot, s), "*.csproj", SearchOption.AllDirectories))
            .Select(p => $"{Path.GetRelativePath(RepoRoot, Path.GetDirectoryName(p)!).Replace('\\', '/')}/bin/Release/net10.0/{XDocument.Load(p).Descendants("AssemblyName").Single().Value}.dll")
            .Order(StringComparer.Ordinal);
        Assert.Equal(projects, config.ApiAssemblies.Select(a => a.File).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Weaving_WritesNoDocfxConfiguration()
    {
        InCopy(dir =>
        {
            var o = Fixture.Options(dir);
            Build.Run(o);
            string woven = Path.Combine(dir, ".docgen", "site-src");
            Assert.True(File.Exists(Path.Combine(woven, "toc.yml")));
            Assert.False(File.Exists(Path.Combine(woven, "docfx.json")));
            Assert.False(Directory.Exists(Path.Combine(woven, "template")));
        });
    }

    [Fact]
    public void TheApiEntry_FollowsDocfxJsonsMetadata()
    {
        const string withApi = "{ \"metadata\": [ { \"src\": [ { \"src\": \"src/Fixture/bin\", \"files\": [ \"Fixture.dll\" ] } ], \"dest\": \".docgen/site-src/api\" } ], \"build\": { \"content\": [ { \"src\": \".docgen/site-src\" } ] } }";
        InCopy(dir =>
        {
            var o = Fixture.Options(dir);
            o.Api = true;
            Build.Run(o);
            Assert.Contains("- name: API\n  href: api/\n", File.ReadAllText(Path.Combine(dir, ".docgen", "site-src", "toc.yml")));
            o.Api = false;
            Build.Run(o);
            Assert.DoesNotContain("API", File.ReadAllText(Path.Combine(dir, ".docgen", "site-src", "toc.yml")));
        }, ("docfx.json", withApi));
    }

    [Fact]
    public void MissingDocfxJson_StopsBeforeAnythingIsWritten()
    {
        InCopy(dir =>
        {
            File.Delete(Path.Combine(dir, "docfx.json"));
            var o = Fixture.Options(dir);
            o.NoDocfx = false;
            var e = Assert.Throws<UsageException>(() => Build.Run(o));
            Assert.Equal($"--root '{dir}' has no docfx.json ({Path.Combine(dir, "docfx.json")}), the site's docfx configuration; give the repository root, or --no-docfx to only weave the pages", e.Message);
            Assert.False(Directory.Exists(Path.Combine(dir, ".docgen")));
        });
    }

    [Fact]
    public void WorkFolderThatDocfxJsonDoesNotBuild_StopsBeforeAnythingIsWritten()
    {
        InCopy(dir =>
        {
            var o = Fixture.Options(dir);
            o.NoDocfx = false;
            o.Work = "elsewhere";
            var e = Assert.Throws<UsageException>(() => Build.Run(o));
            Assert.Equal("docfx.json builds the site from .docgen/site-src, but --work 'elsewhere' puts the woven pages in elsewhere/site-src; use the --work that docfx.json expects, or change its build.content src", e.Message);
            Assert.False(Directory.Exists(Path.Combine(dir, "elsewhere")));
        });
    }

    [Fact]
    public void UnbuiltApiAssembly_IsReportedAtItsLineOfDocfxJson()
    {
        const string config = "{\n  \"metadata\": [ { \"src\": [ { \"src\": \"src/Fixture/bin/Release/net10.0\",\n    \"files\": [ \"Fixture.dll\" ] } ] } ],\n  \"build\": { \"content\": [ { \"src\": \".docgen/site-src\" } ] }\n}\n";
        InCopy(dir =>
        {
            var o = Fixture.Options(dir);
            o.NoDocfx = false;
            o.Api = true;
            var e = Assert.Throws<DocGenException>(() => Build.Run(o));
            Assert.Equal("docfx.json:3:1: src/Fixture/bin/Release/net10.0/Fixture.dll, which the API reference documents, is not built; run dotnet build -c Release first, or give --no-api",
                Assert.Single(e.Errors).ToString());
            Assert.False(Directory.Exists(Path.Combine(dir, ".docgen")));
        }, ("docfx.json", config));
    }

    [Fact]
    public void MalformedDocfxJson_IsReportedWhereItBreaks()
    {
        InCopy(dir =>
        {
            var o = Fixture.Options(dir);
            o.NoDocfx = false;
            var e = Assert.Throws<DocGenException>(() => Build.Run(o));
            Assert.StartsWith("docfx.json:2:3: not valid JSON: ", Assert.Single(e.Errors).ToString());
        }, ("docfx.json", "{\n  build: 1\n}\n"));
    }
}
