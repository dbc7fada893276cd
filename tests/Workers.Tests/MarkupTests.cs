using ScaleLab.Workers.Corpus.Debian;

namespace ScaleLab.Workers.Tests;

public class MarkupTests
{
    private const string Sentence = "This sentence is plain English prose that a language model should learn from.";

    [Fact]
    public void Html_keeps_paragraph_text_and_drops_code_scripts_and_tags()
    {
        var html = $"<html><head><title>T</title></head><body><p>{Sentence.Replace("plain", "<em>plain</em>")} &amp; more</p><pre>int x = 1;</pre><script>var y;</script></body></html>";
        var text = Markup.Html(html);
        Assert.Contains("plain English prose", text);
        Assert.Contains("& more", text);
        Assert.DoesNotContain("int x", text);
        Assert.DoesNotContain("var y", text);
        Assert.DoesNotContain("<", text);
    }

    [Fact]
    public void Rst_unwraps_roles_and_links_and_drops_targets_and_underlines()
    {
        var rst = ".. _label:\n\nTitle\n=====\n\nUse :func:`len` and `the docs <https://x>`_ for **bold** text.\n\n.. note::\n   A note's body is prose.\n\nAfter.";
        var text = Markup.Rst(rst);
        Assert.Contains("Use len and the docs for bold text.", text);
        Assert.DoesNotContain("=====", text);
        Assert.Contains("\nA note's body is prose.", text);
        Assert.Contains("After.", text);
    }

    [Fact]
    public void Rst_keeps_the_text_of_function_directives_and_drops_code_directives()
    {
        var rst = ".. function:: len(s)\n   :noindex:\n\n   Return the length (the number of items) of an object.\n\n.. code-block:: python\n\n   print(len(x))\n\nBack to text.";
        var text = Markup.Rst(rst);
        Assert.Contains("Return the length (the number of items) of an object.", text);
        Assert.DoesNotContain("print(", text);
        Assert.DoesNotContain("noindex", text);
        Assert.Contains("Back to text.", text);
        Assert.DoesNotContain("   Return", text);                      // unindented, so the prose filter keeps it
    }

    [Fact]
    public void Pod_drops_commands_and_keeps_the_text_inside_formatting_codes()
    {
        var text = Markup.Pod("=head1 NAME\n\nperlintro - intro\n\nYou are I<strongly> advised to read L<perltoc> and C<< use strict >>.\n\n=cut");
        Assert.Contains("You are strongly advised to read perltoc and use strict.", text);
        Assert.DoesNotContain("=head1", text);
    }

    [Fact]
    public void AsciiDoc_drops_listing_blocks_and_attribute_lines()
    {
        var text = Markup.AsciiDoc("git-add(1)\n==========\n\n[verse]\n'git add' [--verbose]\n\nThe `add` command updates linkgit:git-status[1] output.\n\n------------\n$ git add .\n------------\n");
        Assert.Contains("The add command updates git-status output.", text);
        Assert.DoesNotContain("$ git add", text);
        Assert.DoesNotContain("[verse]", text);
    }

    [Fact]
    public void WordNet_yields_glosses_as_sentences()
    {
        var text = Markup.WordNetGlosses("  1 This software and database is being provided\n00001740 03 n 01 entity 0 003 ~ 00001930 n 0000 | that which is perceived or known  \n");
        Assert.Equal("That which is perceived or known.", text);
    }

    [Fact]
    public void Prose_filter_keeps_sentences_once_and_drops_code_and_fragments()
    {
        var filter = new ProseFilter();
        var kept = filter.Filter($"{Sentence}\n\n    indented = code(block)\n    more = code\n\nPrev Up Next\n\nx = [1, 2, 3]; y = {{a: b}}; z = x[0] * y.a + 4 / 5 - 6\n\n{Sentence.Replace(" ", "\n")}");
        Assert.Equal(Sentence, kept);                                     // the rewrapped repeat is a duplicate
        Assert.Equal((1L, 3L, 1L), (filter.Kept, filter.Dropped, filter.Duplicates));
        Assert.Equal("", filter.Filter(Sentence));                        // seen before, in another document
    }
}
