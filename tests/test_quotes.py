"""Direct quotes and their speakers: the two seed articles, then one construction per test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsearch.models import Quote
from newsearch.nlp.quotes import extract_quotes

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
REOPENING_MARK = re.compile(r"(\n\s*\n\s*)(?:``|''|[\"“])")


def body_of(name: str) -> str:
    """The article body: everything after the title line and the blank line."""
    text = (CORPUS / name).read_text(encoding="utf-8")
    return text.split("\n", 2)[2]


def full(quotes: tuple[Quote, ...]) -> list[Quote]:
    return [quote for quote in quotes if not quote.partial]


def assert_offsets(body: str, quotes: tuple[Quote, ...]) -> None:
    """``body[start:end]`` is the quote text, but for the marks re-opening later paragraphs."""
    for quote in quotes:
        assert REOPENING_MARK.sub(r"\1", body[quote.start : quote.end]) == quote.text


def summary(quote: Quote) -> tuple[str | None, str | None, str | None]:
    return quote.speaker, quote.speaker_source, quote.cue


# --------------------------------------------------------------------------- seed articles


def test_original_article_curly_quotes():
    body = body_of("aleppo-ceasefire-original.txt")
    quotes = extract_quotes(body)
    assert_offsets(body, quotes)
    kerry, resolution, kurylenko, taylor, doctors = full(quotes)

    assert kerry.text == "We are talking directly to the Russians, even now,"
    assert summary(kerry) == ("John Kerry", "name", "said")

    assert resolution.text == (
        "The UN Security Council Resolution calls for a full countrywide cessation and also "
        "for all of the country to be accessible to humanitarian assistance."
    )
    assert summary(resolution) == ("John Kerry", "previous", None)

    assert kurylenko.text == (
        "Currently active negotiations are under way to establish a ‘regime of silence’ "
        "in Aleppo province,"
    )
    assert summary(kurylenko) == ("Sergei Kurylenko", "name", "quoted as saying")

    assert taylor.text.startswith("Aleppo has been experiencing extreme conflict for four years")
    assert taylor.text.endswith("has quite understandably already fled,")
    assert summary(taylor) == ("Sam Taylor", "name", "told")

    assert doctors.text.startswith("There\u00a0are only 70 to 80 doctors in Aleppo.")
    assert "trauma injuries.\n\nHospitals and other civilian infrastructure" in doctors.text
    assert doctors.text.endswith("still continues in the year 2016.")
    assert summary(doctors) == ("Sam Taylor", "previous", None)

    assert not [quote for quote in quotes if quote.partial]  # "countrywide" is a scare quote


def test_rewritten_article_straight_quotes():
    body = body_of("aleppo-ceasefire-rewrite.txt")
    quotes = extract_quotes(body)
    assert_offsets(body, quotes)
    kerry, kurylenko, taylor, doctors = full(quotes)

    assert kerry.text == "We are talking directly to the Russians, even now,"
    assert summary(kerry) == ("John Kerry", "name", "said")

    assert kurylenko.text == (
        "Currently active negotiations are under way to establish a 'regime of silence' "
        "in Aleppo province,"
    )
    assert summary(kurylenko) == ("Sergei Kurylenko", "name", "said")

    assert taylor.text.startswith("Aleppo has been experiencing extreme conflict")
    assert summary(taylor) == ("Sam Taylor", "name", "said")

    assert doctors.text.startswith("There\u00a0are only 70 to 80 doctors in Aleppo.")
    assert doctors.text.endswith("an enormous amount of trauma injuries,")
    assert summary(doctors) == ("Sam Taylor", "pronoun", "added")

    assert not [quote for quote in quotes if quote.partial]  # "countrywide" is a scare quote


# --------------------------------------------------------------------------- attribution


def only(body: str) -> Quote:
    """The single full quote of ``body``."""
    quotes = extract_quotes(body)
    assert_offsets(body, quotes)
    (quote,) = full(quotes)
    return quote


@pytest.mark.parametrize(
    ("body", "speaker", "cue"),
    [
        ('"We will win this race," Jane Doe said.', "Jane Doe", "said"),
        ('"We will win this race," said Jane Doe.', "Jane Doe", "said"),
        ('"We will win this race," says Jane Doe, a farmer from Ohio.', "Jane Doe", "said"),
        ('"The plan is working well," Jane Doe told reporters.', "Jane Doe", "told"),
        ('"Prices will rise next year," according to Tom Smith.', "Tom Smith", "according to"),
        ('According to Tom Smith, "prices will rise next year."', "Tom Smith", "according to"),
        ('Jane Doe said: "We will win this race."', "Jane Doe", "said"),
        ('"It will pass," Tom Smith was quoted as saying.', "Tom Smith", "quoted as saying"),
        ('"It will pass," Tom Smith added.', "Tom Smith", "added"),
    ],
)
def test_cue_patterns(body, speaker, cue):
    quote = only(body)
    assert summary(quote) == (speaker, "name", cue)


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        ('"Peace is close now," said US Secretary of State John Kerry.', "John Kerry"),
        ('"Peace is close now," said Lieutenant-General Sergei Kurylenko.', "Sergei Kurylenko"),
        ('"Peace is close now," said Doctors Without Borders representative Sam Taylor.', "Sam Taylor"),
        (
            '"Peace is close now," Sam Taylor of the aid group Doctors Without Borders (MSF) '
            "told Al Jazeera.",
            "Sam Taylor",
        ),
        ('"Peace is close now," Jeff Bechtol, a spokesman for the group, said.', "Jeff Bechtol"),
        ('"Peace is close now," The Post\'s Ishaan Tharp wrote.', "Ishaan Tharp"),
    ],
)
def test_titles_roles_and_possessives_are_stripped(body, speaker):
    assert only(body).speaker == speaker


def test_short_name_becomes_the_full_name_of_the_article():
    body = (
        "US Secretary of State John Kerry arrived in Geneva.\n\n"
        '"We are talking to the Russians now," Kerry said.'
    )
    assert only(body).speaker == "John Kerry"


def test_pronoun_takes_the_last_named_speaker():
    body = (
        '"We are talking to the Russians now," Kerry said.\n\n'
        '"Peace is close now," said Sam Taylor.\n\n'
        '"There are only a few doctors left," he added.'
    )
    quotes = extract_quotes(body)
    assert [summary(q) for q in quotes] == [
        ("Kerry", "name", "said"),
        ("Sam Taylor", "name", "said"),
        ("Sam Taylor", "pronoun", "added"),
    ]


def test_pronoun_respects_a_known_gender():
    body = (
        "Mrs. Jane Doe spoke first.\n\n"
        '"Peace is close now," said Mr. Tom Smith.\n\n'
        '"We are not there yet," she said.'
    )
    assert summary(extract_quotes(body)[-1]) == ("Jane Doe", "pronoun", "said")


def test_pronoun_can_refer_to_a_name_outside_any_quote():
    body = 'Jane Doe, the mayor, said the town would recover.\n\n"We will rebuild every home," she said.'
    assert summary(only(body)) == ("Jane Doe", "pronoun", "said")


def test_stand_alone_paragraph_continues_the_previous_speaker():
    body = '"We will win this race," Jane Doe said.\n\n"Nobody can stop us now."'
    first, second = extract_quotes(body)
    assert summary(second) == ("Jane Doe", "previous", None)


def test_second_quote_of_a_paragraph_continues_its_speaker():
    body = '"We will win this race," Jane Doe said. "Nobody can stop us now."'
    first, second = extract_quotes(body)
    assert second.text == "Nobody can stop us now."
    assert summary(second) == ("Jane Doe", "previous", None)


def test_unattributed_quote_has_no_speaker():
    body = 'The rally ended early.\n\n"Jobs not walls for everyone" was painted on the signs.'
    assert summary(only(body)) == (None, None, None)


def test_quote_after_narrative_is_not_given_a_speaker():
    body = (
        '"We will win this race," Jane Doe said.\n\nThe rally ended early.\n\n'
        '"Nobody can stop us now."'
    )
    assert summary(extract_quotes(body)[-1]) == (None, None, None)


@pytest.mark.parametrize(
    ("body", "speaker", "cue"),
    [
        (
            'Because of the calendar, explained Tom Smith, "the race will be over soon."',
            "Tom Smith",
            "explained",
        ),
        ('Continued Tom Smith: "So I think it is a very real problem."', "Tom Smith", "continued"),
        (
            'Jane Doe was joined on stage by Tom Smith and joked, "We are ready for this fight."',
            "Jane Doe",
            "joked",
        ),
        (
            "That is, when the moderators went too far, Jane Doe called them on it:\n\n"
            '"The questions were unfair."',
            "Jane Doe",
            None,
        ),
    ],
)
def test_inverted_coordinated_and_colon_cues(body, speaker, cue):
    quote = only(body)
    assert (quote.speaker, quote.cue) == (speaker, cue)


def test_pronoun_after_an_adverb_is_the_subject():
    body = 'Jane Doe runs the farm.\n\nRecently she announced on her page, "We will open a shop next year."'
    assert summary(only(body)) == ("Jane Doe", "pronoun", "announced")


def test_pronoun_after_a_stray_mark_is_the_subject():
    body = 'Jane Doe spoke. "As mayor," she said, "I will cut the taxes this year."'
    assert summary(extract_quotes(body)[-1]) == ("Jane Doe", "pronoun", "said")


def test_sentence_initial_word_is_not_a_name():
    body = 'Following Jane Doe on the stage, Tom Smith spoke:\n\n"We will win this race."'
    assert only(body).speaker == "Tom Smith"


def test_pronoun_prefers_the_subject_of_the_nearest_sentence():
    body = (
        '"We will win," said Jane Doe.\n\n'
        "Asked about Tom Smith's attack on Anna Lee, Bob Jones blamed Tom Smith for it.\n\n"
        '"He started this fight long ago," he said.'
    )
    assert summary(extract_quotes(body)[-1]) == ("Bob Jones", "pronoun", "said")


def test_pronoun_skips_places_and_organisations():
    body = (
        'Tom Smith spoke at the rally.\n\nIn that sense, Sandy Cove changed the party.\n\n'
        '"This was something different," he added.'
    )
    assert only(body).speaker == "Tom Smith"


def test_pronoun_follows_the_narrative_pronouns_before_it():
    body = (
        "Betsy Ebner has known her friend for decades.\n\n"
        "What really upset her, she said, was a question, when a young man asked Helen Varga "
        'why people did not like her. "I really got angry at that," she said.'
    )
    assert summary(only(body)) == ("Betsy Ebner", "pronoun", "said")


def test_pronoun_agrees_with_the_gender_of_a_first_name():
    body = 'Mary Jones met Tom Smith on Monday.\n\n"We will not give up on this," she said.'
    assert only(body).speaker == "Mary Jones"


def test_it_refers_to_the_last_organisation():
    body = (
        "The Business Council opposed an increase.\n\n"
        '"Keep the tax in place at the current level," it said.'
    )
    assert summary(only(body)) == ("Business Council", "pronoun", "said")


def test_fragment_inside_the_writers_sentence_is_partial_with_its_speaker():
    (quote,) = extract_quotes('In April, Jane Doe called the plan "an absolute disgrace," and left.')
    assert (quote.text, quote.partial, quote.speaker, quote.cue) == (
        "an absolute disgrace,", True, "Jane Doe", "called"
    )


def test_a_slogan_is_not_a_quote():
    assert extract_quotes('The party fought the election under the slogan "Fair rent for all" and won.') == ()


@pytest.mark.parametrize(
    "body",
    [
        'Jane Doe shared the news, writing "Feels great to support this team."',
        'Jane Doe told reporters "We will win this race."',
    ],
)
def test_quote_after_a_cue_or_a_full_sentence_is_not_a_fragment(body):
    assert only(body).speaker == "Jane Doe"


# --------------------------------------------------------------------------- quote marks


def test_nested_single_quote_is_part_of_the_outer_quote():
    body = "“They want a ‘regime of silence’ in the city,” Jane Doe said."
    quote = only(body)
    assert quote.text == "They want a ‘regime of silence’ in the city,"
    assert quote.speaker == "Jane Doe"


def test_straight_opening_mark_closed_by_a_curly_one():
    body = '"We are ready for this fight,” Jane Doe said.'
    quote = only(body)
    assert (quote.text, quote.speaker) == ("We are ready for this fight,", "Jane Doe")


@pytest.mark.parametrize("opening", ["''", "``"])
def test_two_apostrophes_as_a_double_mark(opening):
    body = f"{opening}We are ready for this fight,'' Jane Doe said. ''Nobody can stop us.''"
    first, second = extract_quotes(body)
    assert (first.text, first.speaker) == ("We are ready for this fight,", "Jane Doe")
    assert (second.text, second.speaker_source) == ("Nobody can stop us.", "previous")


def test_quote_over_several_paragraphs():
    body = (
        "Jane Doe said on Monday:\n\n"
        '"The first paragraph of the quote has no closing mark.\n\n'
        '"The second one opens again and closes at last."\n\n'
        "The meeting ended."
    )
    quote = only(body)
    assert quote.text == (
        "The first paragraph of the quote has no closing mark.\n\n"
        "The second one opens again and closes at last."
    )
    assert body[quote.start :].startswith("The first")
    assert body[: quote.end].endswith("closes at last.")
    assert (quote.speaker, quote.cue) == ("Jane Doe", "said")


def test_unclosed_quote_ends_with_its_paragraph():
    body = '"We will win this race, Jane Doe said.\n\nThe rally ended early.'
    quote = only(body)
    assert quote.text == "We will win this race, Jane Doe said."


def test_apostrophes_are_not_quote_marks():
    body = "Assad’s forces don't retreat, and the '90s are gone, Jane Doe's aide said."
    assert extract_quotes(body) == ()
    quote = only("\"Assad's forces won't stop like in the '90s,\" Jane Doe said.")
    assert quote.text == "Assad's forces won't stop like in the '90s,"


def test_a_scare_quoted_term_is_not_a_quote():
    assert extract_quotes('Kerry called for a "countrywide" cessation of hostilities.') == ()


@pytest.mark.parametrize(
    "body",
    ["", " ", "\n\n", '"', '""', '" "', "“", "”", "''", "``", '"said"', '"\n\n"', "“a ‘b” c’", "he said"],
)
def test_odd_input_does_not_raise(body):
    quotes = extract_quotes(body)
    assert_offsets(body, quotes)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"ab J.,:\n\"“”‘’'`", " said ", " he ", " Doe "])).map("".join))
def test_any_text_gives_well_formed_quotes(body):
    quotes = extract_quotes(body)
    assert quotes == extract_quotes(body)
    for quote in quotes:
        assert 0 <= quote.start < quote.end <= len(body)
        assert quote.partial or len(re.findall(r"\w+(?:['’.-]\w+)*", quote.text)) >= 3
        assert quote.speaker is None or quote.speaker_source is not None


# --------------------------------------------------------------------------- more speakers


@pytest.mark.parametrize(
    ("body", "speaker", "cue"),
    [
        ('"Silly boys, all of them," scoffed Jane Doe, 22.', "Jane Doe", "scoffed"),
        ('Jane Doe interjected, "Ladies and gentlemen, our guest."', "Jane Doe", "interjected"),
        ('"Our ideas of success are different," agrees Jane Doe, 30.', "Jane Doe", "agreed"),
        ('"Many analysts said no to this," remembered Tom Smith.', "Tom Smith", "recalled"),
        ('Tom Smith emailed reporters: "The text says nothing of the kind."', "Tom Smith", "emailed"),
        (
            '"There are invertebrates with more spine," reads an editorial in The Register.',
            "editorial",
            "read",
        ),
        ('"We will not let this happen again," officials said.', "officials", "said"),
        (
            '"We will not let this happen again," State Department officials said.',
            "State Department officials",
            "said",
        ),
        (
            '"One of the reasons I work in mining was his support," his colleague wrote.',
            "colleague",
            "wrote",
        ),
        (
            'Even a top GOP strategist said so, saying, "She will have to come out."',
            "top GOP strategist",
            "said",
        ),
    ],
)
def test_more_cues_and_common_noun_speakers(body, speaker, cue):
    quote = only(body)
    assert (quote.speaker, quote.cue) == (speaker, cue)


def test_it_takes_a_recommendation_verb():
    body = (
        "The Business Council opposed an increase.\n\n"
        '"Keep the tax in place at the current level," it recommended.'
    )
    assert summary(only(body)) == ("Business Council", "pronoun", "recommended")


def test_quote_after_a_fragment_with_a_cue_continues_its_speaker():
    body = (
        'Still, golf clubs are "just scratching out a profit," Tom Smith said. '
        '"Golf is a thin business."'
    )
    fragment, quote = extract_quotes(body)
    assert (fragment.partial, fragment.speaker) == (True, "Tom Smith")
    assert quote.speaker == "Tom Smith"  # the fragment's cue sentence leads in to it


def test_participle_takes_the_subject_of_the_cue_before_it():
    body = 'Tom Smith left early, Jane Doe said, adding, "He was not very religious."'
    assert summary(only(body)) == ("Jane Doe", "name", "added")


@pytest.mark.parametrize(
    "aside",
    [
        "At Palm Reach, where dues are high, Tom Smith, the club president,",
        "One pastor supporting Bob Jones, Tom Smith of the Baptist Church,",
        "In a court in Alexandria, Va., Tom Smith, in a green jumpsuit,",
    ],
)
def test_prepositional_and_participle_phrases_are_not_subjects(aside):
    body = f'{aside} said he had made many calls.\n\n"Find your polling place and get there," he said.'
    assert only(body).speaker == "Tom Smith"


def test_inverted_cue_of_the_narrative_names_a_speaker():
    body = (
        "Tom Smith spoke on Monday.\n\nWhether the Smith model works is unclear, said Jake "
        'Horwood, an editor. "He has a very good team," he said.'
    )
    assert summary(only(body)) == ("Jake Horwood", "pronoun", "said")


def test_passive_asked_by_is_not_a_speaker():
    body = (
        'Asked by George Stavrou about it, Ben Carrow said, "What does it say about people?"\n\n'
        '"Well, let me put it this way," he continued.'
    )
    assert [quote.speaker for quote in extract_quotes(body)] == ["Ben Carrow", "Ben Carrow"]


def test_relative_clause_after_a_role_is_not_part_of_the_speaker():
    body = '"When she decided, she made up her mind," said one former executive who asked not to be named.'
    assert only(body).speaker == "former executive"


# --------------------------------------------------------------------------- who "he" is


def test_honorific_makes_a_person_of_a_name_like_a_group():
    body = 'Mr. Guild asked her to call Mr. Chadwell now. "This is very important," he wrote.'
    assert summary(only(body)) == ("Guild", "pronoun", "wrote")


def test_name_after_a_closing_mark_is_a_name_at_the_start_of_a_sentence():
    body = (
        '"We will act on this," Osmond said.\n\n'
        "Osmond also addressed Dennis Thorne's concerns, noting that states run elections.\n\n"
        '"We take this seriously," he added.'
    )
    assert extract_quotes(body)[-1].speaker == "Osmond"


def test_role_in_apposition_makes_a_person():
    body = (
        "Tom Smith moved to Atlanta in 2014.\n\n"
        "Recently, Herman Kane, the former presidential candidate, was asked by a caller why. "
        '"So they can be planted among us," he said.'
    )
    assert only(body).speaker == "Herman Kane"


def test_main_clause_subject_beats_a_subordinate_one():
    body = (
        "When Tom Smith pointed out the numbers, Bob Jones seized on them. "
        '"It is not the same at all," he said.'
    )
    assert only(body).speaker == "Bob Jones"


# --------------------------------------------------------------------------- quotes without a cue


@pytest.mark.parametrize(
    ("narrative", "speaker", "source", "cue"),
    [
        ("Tom Smith continued his scathing remarks.", "Tom Smith", "name", "continued"),
        ("Tom Smith doubts it. Rather, he said, the effort will grow.", "Tom Smith", "pronoun", "said"),
    ],
)
def test_narrative_sentence_introduces_the_quote_below(narrative, speaker, source, cue):
    body = f'{narrative}\n\n"To my knowledge, there is no big donor involved yet."'
    assert summary(only(body)) == (speaker, source, cue)


def test_cue_in_the_sentence_after_the_quote():
    body = '"We will not let this happen again." That is how Jane Doe put it on Monday.'
    assert summary(only(body)) == ("Jane Doe", "name", "put it")


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        (
            'The timing does not surprise pollster Tom Smith: "Unknown candidates get a boost."',
            "Tom Smith",
        ),
        (
            'After the attack, a familiar voice celebrated on Twitter: "We have already arrived."',
            "familiar voice",
        ),
        (
            'At one point Tom Smith turned to Bob Jones and said, "You have been at it all your life."',
            "Tom Smith",
        ),
    ],
)
def test_lead_in_subjects(body, speaker):
    assert only(body).speaker == speaker


def test_capitals_before_a_quote_are_the_headline_it_comes_from():
    body = "CHINA’S DECLINE AFFECTS THE WORLD “China’s slowdown is fostering a decline.” [WaPo.]"
    assert summary(only(body)) == ("CHINA’S DECLINE AFFECTS THE WORLD", "name", None)


# --------------------------------------------------------------------------- names and referents


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        # An honorific picks the full name of its gender among namesakes.
        (
            "Bruce Varga campaigned in Ohio. Helen Varga stayed in New York. "
            '"We are going to win this state," Mrs. Varga said.',
            "Helen Varga",
        ),
        # A bare surname is the namesake the article introduced first.
        (
            "Sen. Chris Morley wants a vote. Anne Marie Morley lost her daughter. "
            "Anne Marie Morley spoke in May. "
            '"We need a vote on this bill now," Morley said.',
            "Chris Morley",
        ),
        # A surname in -ly is no adverb.
        ('"We will keep asking the hard questions," Meryl Kane said.', "Meryl Kane"),
        # Initials keep their dots.
        ('"Golf is in trouble right now," said Oliver K. Hedge, a broker.', "Oliver K. Hedge"),
        # An organisation opening a name run is no part of the name.
        ('"The numbers do not add up," Government Affairs Phil Smithers said.', "Phil Smithers"),
        ('"I am running to win this seat," Assemblywoman Claudia Tenner said.', "Claudia Tenner"),
    ],
)
def test_canonical_speaker_names(body, speaker):
    assert only(body).speaker == speaker


@pytest.mark.parametrize(
    "body",
    [
        'The head of the Federal Reserve, Janet Yelland, said: "We are going to stay the course."',
        '"We are going to stay the course," said the head of the Federal Reserve, Janet Yelland.',
    ],
)
def test_a_role_before_a_name_is_not_the_speaker(body):
    assert only(body).speaker == "Janet Yelland"


def test_an_adverb_after_an_aside_keeps_the_subject_before_it():
    body = 'Raphael Lemberg, who coined the word, once said, "It happened so many times before."'
    assert summary(only(body)) == ("Raphael Lemberg", "name", "said")


def test_a_nested_quote_closing_with_the_outer_one():
    body = "''Voters will not be satisfied with 'We'll bomb them,''' said Senator John McCain."
    assert summary(only(body)) == ("John McCain", "name", "said")


def test_demonstrative_descriptor():
    body = '"I have such great respect for them," this Thorne look-alike declared in Mexico City.'
    assert summary(only(body)) == ("Thorne look-alike", "name", "declared")


# --------------------------------------------------------------------------- pronouns


def test_a_first_name_outweighs_a_pronoun_after_a_cue():
    body = (
        "Jane Doe spoke first. Tom Smith said she was wrong about the plan. "
        '"We will win this race anyway," she said.'
    )
    assert summary(only(body)) == ("Jane Doe", "pronoun", "said")


def test_the_person_a_quote_names_is_not_its_speaker():
    body = (
        "Tom Crusk met Richard Vignal on Monday. "
        '"Crusk is our best debater, our most articulate fighter," he says.'
    )
    assert only(body).speaker == "Richard Vignal"


def test_it_takes_an_unknown_organisation_when_none_is_known():
    body = 'Exxon Mobil denied the report. "The story is false and misleading," it said.'
    assert summary(only(body)) == ("Exxon Mobil", "pronoun", "said")


def test_names_in_an_opening_participle_phrase_are_not_the_referent():
    body = (
        "Susan Sarrow spoke on MSNBC on Monday. Asked about her vote if Helen Varga "
        'wins, she replied: "I do not know yet."'
    )
    assert only(body).speaker == "Susan Sarrow"


def test_a_name_modifying_a_noun_is_the_least_likely_referent():
    body = (
        "Across town, working for the Barney Sandell campaign, is Wayne Bordell, a canvasser. "
        '"I am knocking on doors all over town," he said.'
    )
    assert only(body).speaker == "Wayne Bordell"


def test_an_organisation_named_after_a_person_does_not_exclude_them():
    body = (
        "Helen Varga wrote to her staff on Monday. "
        '"Regarding the Varga Foundation leadership, I feel impatient," she writes.'
    )
    assert only(body).speaker == "Helen Varga"


# --------------------------------------------------------------------------- more cue-less quotes


def test_adjectives_split_by_a_comma_keep_their_noun():
    body = '"I made climate change the top priority," the bespectacled, 71-year-old diplomat said.'
    assert summary(only(body)) == ("bespectacled 71-year-old diplomat", "name", "said")


def test_a_name_in_an_open_parenthesis_is_the_subject():
    body = (
        "The vast majority of historians recognize this calamity for what it is (Raphael Lemberg, "
        'who coined the word genocide, once said, "It happened so many times before").'
    )
    assert only(body).speaker == "Raphael Lemberg"


def test_a_signature_line_names_the_speaker():
    body = '"Crooked Helen is something we hear all the time, and it must stop."\n\n-Michelle Marlow, Ohio.'
    assert summary(only(body)) == ("Michelle Marlow", "name", None)


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        ('Lori Bernal held up a sign saying "Jews Against Thorne, Because We Know".', "sign"),
        ('Sarah Pellow posted it under a headline that said, "ISIS Declares Death to Children."', "headline"),
    ],
)
def test_a_sign_or_headline_speaks_for_itself(body, speaker):
    assert only(body).speaker == speaker


def test_a_standalone_quote_after_a_sentence_about_a_person():
    body = (
        "Richard Vignal spoke on Monday.\n\n"
        "Vignal is upbeat about the chances of Crusk in November.\n\n"
        '"Not only can Tom Crusk win in November, he is the best bet."'
    )
    assert summary(only(body)) == ("Richard Vignal", "name", None)


def test_a_title_in_the_writers_sentence_is_not_a_quote():
    body = 'Dana Webb published a column entitled "Why the Harbour Plan Matters More Than Ever."'
    assert extract_quotes(body) == ()


# --------------------------------------------------------------------------- partial quotes (#17)


def speech(body: str) -> list[tuple[str, str | None, bool]]:
    quotes = extract_quotes(body)
    assert_offsets(body, quotes)
    return [(quote.text.rstrip(".,"), quote.speaker, quote.partial) for quote in quotes]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            'Party chairman Tom Reilly said the turnout was "truly remarkable," and added that it '
            '"will pay off in November."',
            [("truly remarkable", "Tom Reilly", True), ("will pay off in November", "Tom Reilly", True)],
        ),
        (
            'Jones said "maybe" the contracts "should be reviewed."',
            [("maybe", "Jones", True), ("should be reviewed", "Jones", True)],
        ),
        (
            'Senator Ann Cole spoke in Dover on Friday. She called the governor a "reckless and dishonest leader."',
            [("reckless and dishonest leader", "Ann Cole", True)],
        ),
        (
            'Mayor Lin Osei described the budget as "a bold step forward" in a speech on Monday.',
            [("a bold step forward", "Lin Osei", True)],
        ),
        (
            'Contrast that with Tom Hale, who has called the pact "insanity," and Ann Ray, who says '
            'it is "a disaster."',
            [("insanity", "Tom Hale", True), ("a disaster", "Ann Ray", True)],
        ),
        (
            'Nobody asked about it, so Tom Hale brought it up himself. He called it "shameful" twice.',
            [("shameful", "Tom Hale", True)],
        ),
        (
            'Tom Hale signed an order on Monday, while Ann Ray, the former governor, proposed we '
            '"wake up and act now" on it.',
            [("wake up and act now", "Ann Ray", True)],
        ),
        (
            'Critics say the plan is "dead on arrival," according to Paula Grant, a council member.',
            [("dead on arrival", "Paula Grant", True)],
        ),
        (
            # stating a view: "expressed confidence that"
            "The candidate took to the airwaves on Monday during an interview with a local station, "
            'in which Ray expressed confidence that the inquiry would not be an issue "that is going '
            'to affect the campaign."',
            [("that is going to affect the campaign", "Ray", True)],
        ),
    ],
)
def test_partial_quotes_get_their_speaker(body, expected):
    assert speech(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        'The council backed the "reform" on Monday.',  # a scare-quoted term
        'She appeared on "Night Desk With Sam Ford" on Sunday.',  # the title of a show
        'Fans cheered for Jo "The Hammer" Briggs at the stadium.',  # a nickname
        'The so-called "green growth deal" passed on Tuesday.',  # the name of a thing
        'Her book, "Roads Out of Harwick," sold well.',  # a title after a comma
        '<post author="kim_lee" date="May 1">Great day.</post>',  # markup left in the text
    ],
)
def test_names_of_things_are_not_quotes(body):
    assert extract_quotes(body) == ()


def test_a_full_quote_stays_whole_beside_partial_ones():
    body = (
        'Ms. Grant called the vote "a turning point." Later she went further.\n\n'
        '"We will not go back to the old way of doing things," she said.'
    )
    partial, full_quote = extract_quotes(body)
    assert (partial.speaker, partial.partial) == ("Grant", True)
    assert (full_quote.speaker, full_quote.partial) == ("Grant", False)


def test_a_short_quote_nobody_said_is_not_a_quote_but_a_short_one_with_a_cue_is():
    assert extract_quotes('The plan drew "mixed reviews" at the harbour meeting.') == ()
    assert speech('Mayor Lin Osei said the plan was "too timid" for the harbour.') == [
        ("too timid", "Lin Osei", True)
    ]


def test_scare_quotes_stored_by_older_versions_are_recognised():
    assert Quote("countrywide", 10, 21, partial=True).is_scare_quote()
    assert not Quote("too timid", 10, 19, "Lin Osei", "said", "name", partial=True).is_scare_quote()
    assert not Quote("we will stay here", 10, 27, partial=True).is_scare_quote()


def test_he_after_a_describing_speaker_stands_for_the_person_named_before():
    # A description that speaks is a second reference: "he added" is the named man, not
    # "the businessman".
    body = (
        "A reporter asked Tom Varley about the plan.\n\n"
        "“There should be many plans,” the businessman replied.\n\n"
        "“I would certainly do it,” he added."
    )
    quotes = extract_quotes(body)
    assert [quote.speaker for quote in quotes] == ["businessman", "Tom Varley"]


def test_a_participle_takes_the_subject_of_the_clause_it_hangs_on():
    body = (
        "It was a rare show of unity in the Harbour Party, as Jane Ormond echoed the point, "
        "saying the mayor “has run out of ideas for the city.”"
    )
    [quote] = extract_quotes(body)
    assert quote.speaker == "Jane Ormond" and quote.partial


def test_a_noun_or_a_passive_participle_is_no_cue():
    # "States" in a name is no cue ("states"), nor is a cue followed by "by" (a participle)
    assert speech('Officials fear the rules are "far too strict" in the United States.') == [
        ("far too strict", None, True)
    ]
    assert speech('The council passed the "poison pill" measures added by the mayor.') == []


def test_a_passive_characterising_verb_names_no_speaker():
    # "could be termed": the work is called so, it says nothing; the cue after the quote decides
    body = 'Over the years, Tom Hale found that the work he did could be termed "quiet lobbying," critics said.'
    [quote] = extract_quotes(body)
    assert quote.speaker == "critics", quote


def test_a_participle_after_a_quote_takes_no_subject_after_it():
    # "“…,” saying in a post on Harbourline:": the participle's subject is the sentence's
    body = (
        "Mr. Hale won the vote. On Friday, he joined others in mocking the plan as "
        "''dead on arrival,'' saying in a post on Harbourline: ''The plan is a disaster.''"
    )
    assert [quote.speaker for quote in extract_quotes(body)] == ["Hale", "Hale"]


def test_a_job_before_a_name_makes_a_person_for_he_and_she():
    # "spokesman Jo Quan": a job in lower case before the name; a two-letter given name
    # ("Jo") is often a family name written first, so it says no gender
    body = (
        "“There are problems,” Tom Ray said. In Kessia, ministry spokesman Jo Quan "
        "rejected the claims. “This is extremely irresponsible,” he told reporters."
    )
    assert [quote.speaker for quote in extract_quotes(body)] == ["Tom Ray", "Jo Quan"]


def test_a_description_before_an_irregular_past_is_the_subject_of_a_participle():
    # "The Harbour senator sought …, saying": an irregular past after a description
    body = (
        "Tom Hale ended his bid on Tuesday.\n\n"
        "The Harbour senator sought to calm the crowd, saying the heckler would "
        "“not get hurt” at his rally."
    )
    [quote] = extract_quotes(body)
    assert quote.speaker == "Harbour senator", quote


def test_a_clause_is_not_a_description():
    # "This was the Hale we all knew": a copula and a pronoun make a clause, not a speaker
    body = (
        "So much for that.  This was the Hale we all knew, the Hale who fights with reporters, "
        'claims that the board "takes its marching orders" from Kessia, and asserts that Kessia '
        'is "killing us."'
    )
    assert "was the Hale we all" not in {quote.speaker for quote in extract_quotes(body)}


def test_an_aside_before_an_inverted_cue():
    body = (
        "Prices rose.  ''The most striking part has been a new resilience,'' like the recent "
        "swings of markets, said Ann Ray, the chief economist of the survey."
    )
    [quote] = extract_quotes(body)
    assert quote.speaker == "Ann Ray", quote


def test_a_comparison_opening_the_sentence_holds_no_subject():
    # "Like Ann Ray, Tom Hale …, arguing": the participle's subject is Tom Hale
    body = (
        "Like Ann Ray, Tom Hale also rejected the plan, arguing that there is "
        "“room for the council” in the rules."
    )
    [quote] = extract_quotes(body)
    assert quote.speaker == "Tom Hale", quote


def test_ever_between_a_subject_and_its_cue():
    body = (
        "In what may be the first time Republicans and the Harbour Party movement have ever "
        "agreed on anything, the group is calling on Tom Hale to “stop wasting votes” now."
    )
    assert all("ever" not in (quote.speaker or "") for quote in extract_quotes(body))


def test_he_inside_an_opening_clause_is_the_subject_of_a_participle():
    body = (
        "Judge Tom Berman took a short recess.  When he returned he began by saying, "
        "“I do not think that it is necessary for him to go to jail.” Just those words."
    )
    [quote] = extract_quotes(body)
    assert quote.speaker == "Tom Berman", quote


def test_a_bare_plural_and_whom_it_is_for_is_the_subject_of_a_participle():
    body = (
        "Attorneys for Ann Ray appeared to oppose the effort, saying in court files that her "
        'account "has never been the property of the state."'
    )
    [quote] = extract_quotes(body)
    assert quote.speaker == "attorneys", quote


def test_whom_an_opening_asked_is_about_is_not_the_speaker():
    body = 'Trust is low. Asked whether Ann Ray "has the integrity to serve as mayor," most voters said no.'
    [quote] = extract_quotes(body)
    assert quote.speaker != "Ann Ray", quote
    # … while the subject after an opening "Asked about …," still speaks
    assert speech('Asked about the plan, Ann Ray said it was "a bold step forward."') == [
        ("a bold step forward", "Ann Ray", True)
    ]


def test_a_name_inside_quotation_marks_is_no_referent():
    # "to chants of “Tomas! Tomas!”": words the crowd said, not a narrative mention
    body = (
        "Tomas Vell stopped by his office. Walking in to chants of \"Tomas! Tomas!,\" the senator "
        'said his campaign was "closing really strong." He noted that many had come. '
        '"It is huge," he said.'
    )
    assert [quote.speaker for quote in extract_quotes(body)][-1] == "Tomas Vell"


def test_words_ending_a_sentence_between_capitals_are_no_nickname():
    body = (
        "Tom Vell, a writing teacher, said he holds his roots in Kessia "
        "“very near and dear to my heart.” He said it twice."
    )
    assert speech(body) == [("very near and dear to my heart", "Tom Vell", True)]
