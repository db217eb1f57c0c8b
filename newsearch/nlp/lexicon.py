"""Titles, name particles and cue words: the words around and inside names that say what a
name is (as opposed to ``gazetteer``, which lists names themselves).

One home for these lists, so that entity typing and quote attribution read the same words.
Entity typing (``entity_types``) uses all of them. Lower-case entries are compared with the
word lower-cased (titles also with full stops removed); capitalised entries as written.
Everything here was written for newsearch from general knowledge of English news writing.
"""

from __future__ import annotations


def entries(text: str) -> frozenset[str]:
    """The comma- or newline-separated entries of ``text``, stripped, blanks dropped."""
    return frozenset(e.strip() for line in text.splitlines() for e in line.split(",") if e.strip())


# --------------------------------------------------------------------------- titles

# Honorifics, ranks and roles written before a name ("Mr Kerry", "President Bashar al-Assad",
# "striker Alan Shearer"). Lower-case; compared case-insensitively, full stops removed.
PERSON_TITLES = entries("""
mr, mrs, ms, miss, mx, dr, sir, dame, lord, lady, mister, madam, madame, monsieur, herr, senor,
president, vice-president, minister, secretary, senator, sen, rep, representative, congressman,
congresswoman, governor, gov, mayor, judge, justice, general, gen, lieutenant, lt,
lieutenant-general, lieutenant-colonel, major-general, brigadier, brigadier-general, colonel,
col, major, maj, captain, capt, commander, cmdr, admiral, adm, sergeant, sgt, corporal, cpl,
private, pte, marshal, field-marshal, king, queen, prince, princess, duke, duchess, emperor,
empress, pope, rev, reverend, father, fr, bishop, archbishop, cardinal, rabbi, imam, ayatollah,
sheikh, sheik, chancellor, premier, ambassador, envoy, chairman, chairwoman, chairperson, ceo,
coach, manager, striker, midfielder, defender, goalkeeper, keeper, winger, batsman, bowler,
opener, skipper, spinner, jockey, trainer, champion, actor, actress, singer, novelist, author,
spokesman, spokeswoman, spokesperson, inspector, detective, professor, prof, mp, mep, deputy,
commissioner, attorney, lawyer, prosecutor, candidate, nominee, dictator, chief, director,
presenter, star, rapper, guitarist, drummer, playwright, poet, composer, conductor, economist,
analyst, historian, comedian, designer, photographer, president-elect, pm, leader, founder,
boss, owner, officer, agent, diplomat, negotiator, speaker, sultan, emir, shah, tsar, czar,
crown, count, countess, baron, baroness, viscount, mullah, mufti, patriarch, grand, aide,
adviser, advisor, colleague, teammate, compatriot, rival, opponent, son, daughter, wife,
husband, brother, sister, mother, widow, fullback, full-back, centre-back, quarterback,
pitcher, outfielder, wicketkeeper, all-rounder, forward, seed, veteran, defending, midfield
""")

# Words of a role or an affiliation written before a name that are no titles on their own
# for entity typing ("former", "acting", party labels, occupations): the quote extractor strips
# them, with the titles, from the left of a speaker's name ("former GOP strategist Jo Marsh").
ROLE_WORDS = frozenset(
    """acting activist advocate alderman anchor assemblyman assemblywoman billionaire blogger
    businessman businesswoman campaign chair columnist commentator comptroller consultant
    correspondent councilman councilmember councilwoman counsel delegate democrat democratic
    entrepreneur executive former gop head hopeful host independent investor journalist libertarian
    lobbyist majority member minority official operative organiser organizer pastor pollster
    presidential priest prime pundit reporter republican researcher scientist sheriff staffer state
    strategist superintendent treasurer trustee vice whip writer""".split()
)

# The honorifics among them: they open a name, never a role in apposition ("X, Mr Dorran said"
# starts a new subject; "X, chairman of Y" describes X).
HONORIFICS = entries("""
mr, mrs, ms, miss, mx, dr, sir, dame, mister, madam, madame, monsieur, herr, senor
""")

# The gender an honorific gives the name after it ("Mrs. Varga" → "she").
HONORIFIC_GENDERS = {"mr": "he", "mrs": "she", "ms": "she", "miss": "she"}

# Words that, capitalised, are part of a title rather than a name when they follow
# ``<title> of`` ("Secretary of State", "Minister of Foreign Affairs") or precede a title
# ("Foreign Minister", "Prime Minister", "Deputy Secretary").
TITLE_QUALIFIERS = entries("""
State, Defence, Defense, Foreign, Affairs, Finance, Interior, Home, Justice, Trade, Industry,
Energy, Agriculture, Education, Health, Labour, Labor, Transport, Economy, Economic,
Environment, Culture, Information, Commerce, Treasury, Prime, Vice, Deputy, Chief, Executive,
General, Assistant, Acting, First, Attorney, Supreme, Crown, Grand, Junior, Senior, Former,
Lord, High, Under, Permanent, Shadow, Culture, Sport, Sports, Communications, Technology,
Science, Tourism, Oil, Petroleum, Housing, Development, Security, Planning, Immigration,
Veterans, War, Navy, Army, Air, Force, Police, Fisheries, Mines, Works, Budget, Privatisation,
Privatization, Cooperation, Relations, International, Social, Welfare, Family, Youth, Women,
Water, Land, Lands, Forestry, Public, Regional, Local, Government, Parliamentary, Cabinet
""")

# Speech cues of the quote extractor: the cue it records → its surface forms. Present-tense forms are listed only where they are
# not also common nouns ("states", "notes", "claims" are left out).
SPEECH_CUES: dict[str, tuple[str, ...]] = {
    "said": ("said", "says"),
    "told": ("told", "tells"),
    "added": ("added", "adds"),
    "asked": ("asked", "asks"),
    "wrote": ("wrote", "writes"),
    "quoted as saying": ("was quoted as saying", "were quoted as saying", "is quoted as saying"),
    "according to": ("according to",),
    "explained": ("explained", "explains"),
    "continued": ("continued", "continues", "went on"),
    "argued": ("argued", "argues", "contended", "contends"),
    "insisted": ("insisted", "insists"),
    "declared": ("declared", "declares", "proclaimed"),
    "replied": ("replied", "replies", "responded", "responds", "answered", "answers"),
    "shot back": ("shot back", "fired back", "countered", "retorted"),
    "recalled": ("recalled", "recalls", "recounted", "remembered", "remembers"),
    "warned": ("warned", "warns", "cautioned"),
    "noted": ("noted", "observed", "remarked", "pointed out"),
    "claimed": ("claimed",),
    "stated": ("stated",),
    "admitted": ("admitted", "admits", "acknowledged", "acknowledges", "conceded", "concedes"),
    "joked": ("joked", "jokes", "quipped", "quips"),
    "tweeted": ("tweeted", "tweets", "posted"),
    "announced": ("announced", "announces"),
    "exclaimed": ("exclaimed", "shouted", "yelled"),
    "urged": ("urged",),
    "complained": ("complained", "complains", "lamented"),
    "concluded": ("concluded", "concludes"),
    "boasted": ("boasted", "boasts", "bragged"),
    "vowed": ("vowed", "pledged"),
    "predicted": ("predicted", "predicts"),
    "suggested": ("suggested", "suggests"),
    "stressed": ("stressed", "stresses", "emphasized", "emphasised", "emphasizes", "emphasises"),
    "mused": ("mused", "wondered"),
    "reiterated": ("reiterated", "repeated"),
    "testified": ("testified",),
    "put it": ("put it",),
    "chimed in": ("chimed in",),
    "interjected": ("interjected", "interrupted", "cut in"),
    "scoffed": ("scoffed", "scoffs", "snapped", "sneered"),
    "agreed": ("agreed", "agrees"),
    "recommended": ("recommended", "advised"),
    "assured": ("assured", "reassured", "promised"),
    "whispered": ("whispered", "whispers", "murmured"),
    "confirmed": ("confirmed", "confirms"),
    "denied": ("denied", "denies"),
    "confessed": ("confessed", "confesses", "confided"),
    "asserted": ("asserted", "asserts", "affirmed", "maintained", "maintains"),
    "commented": ("commented", "opined"),
    "reported": ("reported",),
    "emailed": ("emailed", "texted", "messaged"),
    "speculated": ("speculated",),
    "pleaded": ("pleaded", "implored", "begged"),
    "protested": ("protested", "objected"),
    "sighed": ("sighed",),
    "gushed": ("gushed", "marveled", "marvelled", "raved"),
    "cried": ("cried", "screamed", "thundered", "boomed", "bellowed"),
    "summed up": ("summed up", "sums up"),
    "pressed": ("pressed", "challenged"),
    "hit back": ("hit back", "struck back", "pushed back"),
    "mocked": ("mocked", "taunted", "teased", "jabbed", "needled", "sniped", "chided", "scolded"),
    "laughed": ("laughed", "chuckled"),
}
# Participle cues ("…, adding: "), whose subject is the subject of the whole sentence.
SPEECH_PARTICIPLES: dict[str, str] = {
    "saying": "said",
    "adding": "added",
    "writing": "wrote",
    "tweeting": "tweeted",
    "telling": "told",
    "noting": "noted",
    "asking": "asked",
    "explaining": "explained",
    "arguing": "argued",
    "insisting": "insisted",
    "declaring": "declared",
    "warning": "warned",
    "stating": "stated",
    "recalling": "recalled",
    "remarking": "noted",
    "observing": "noted",
    "pointing out": "noted",
    "claiming": "claimed",
    "replying": "replied",
    "responding": "replied",
    "joking": "joked",
    "quipping": "joked",
    "urging": "urged",
    "vowing": "vowed",
    "promising": "vowed",
    "announcing": "announced",
    "admitting": "admitted",
    "acknowledging": "admitted",
    "conceding": "admitted",
    "complaining": "complained",
    "lamenting": "complained",
    "boasting": "boasted",
    "suggesting": "suggested",
    "stressing": "stressed",
    "predicting": "predicted",
    "concluding": "concluded",
    "proclaiming": "declared",
}

# Lower-case words after a name that say it is a person ("Jo Marsh said"): the one-word
# speech cues, and verbs of opinion.
SPEECH_VERBS = frozenset(
    form for forms in SPEECH_CUES.values() for form in forms if " " not in form
) | frozenset({"believes", "thinks", "hopes", "feels", "wants"})

# --------------------------------------------------------------------------- name particles

# Lower-case particles inside names: "Bashar al-Assad", "Ludwig van Beethoven", "bin Laden".
NAME_PARTICLES = entries("""
al, el, bin, ibn, abu, de, del, della, der, den, van, von, da, di, du, dos, das, la, le, ter,
y, st, mac
""")

# --------------------------------------------------------------------------- cue words

# Lower-case words that link the parts of one name ("Bank of England", "Doctors Without
# Borders", "Charles de Gaulle").
LINK_WORDS = frozenset({"of", "for", "without", "on", "de", "du", "des", "la", "le"})

# Prepositions of place: "in X", "at X", "from X" is evidence that X is a place.
PLACE_PREPOSITIONS = frozenset(
    {"in", "at", "near", "from", "outside", "across", "throughout", "around", "towards", "via"}
)

# Two lower-case words before a constituency: "the MP for X", "the candidate for X".
CONSTITUENCY_BEFORE = frozenset({"mp for", "msp for", "mep for", "am for", "member for", "candidate for"})

# Verbs of a sports result between two sides ("X beat Y", "X drew with Y").
TEAM_VERBS = frozenset(
    {
        "beat",
        "beats",
        "defeated",
        "drew",
        "draw",
        "lost",
        "won",
        "v",
        "vs",
        "vs.",
        "versus",
        "thrashed",
        "edged",
        "routed",
        "trounced",
        "hammered",
        "overcame",
        "outplayed",
    }
)

# "X v Y": a fixture between two sides.
VERSUS = frozenset({"v", "vs", "vs.", "versus"})

# On a sports line, words around a name that make it a club, not its city: a player's or
# manager's role after it ("the Dunmore striker", "his Dunmore team-mate"), a standing before
# it ("leaders Dunmore"), a result before it ("a 2-0 win over Dunmore", "signed with Dunmore").
TEAM_ROLES_AFTER = frozenset(
    """striker defender midfielder goalkeeper keeper winger forward full-back centre-back
    team-mate team-mates captain manager boss coach chairman fans supporters players
    squad side""".split()
)
TEAM_NOUNS_BEFORE = frozenset("leaders champions rivals hosts visitors holders".split())
TEAM_PHRASES_BEFORE = frozenset(
    {"win over", "victory over", "defeat to", "defeat by", "lost to", "loss to", "draw with",
     "drew with", "hands of", "move to"}
)

# Tails of compound adjectives built on a name ("London-based", "Bafta-winning"): the name
# inside is not a mention.
COMPOUND_TAILS = frozenset(
    {
        "based",
        "led",
        "born",
        "backed",
        "owned",
        "run",
        "style",
        "winning",
        "made",
        "funded",
        "controlled",
        "bound",
        "era",
        "like",
        "sponsored",
        "held",
        "listed",
        "related",
        "specific",
    }
)

# Words that make a line a sports report, where a place name is often a side ("X beat Y",
# "X 3 Y 1"): team rules apply only on such lines (with a score or a fixture, or these words).
# Words that are as common outside sport ("win", "victory", "race", "season") are left out.
SPORTS_WORDS = frozenset(
    """match matches goal goals innings wicket wickets penalty penalties league cup semi-final
    quarter-final championship striker midfielder goalkeeper tournament fixture fixtures half-time
    kick-off squad champions scored replay extra-time laps cricket football soccer rugby tennis
    golf hockey athletics defender winger team-mate team-mates left-back right-back full-back
    centre-back""".split()
)

# Words before a name that make it the name of a thing, not a person ("Storm X", "Hurricane X",
# "Operation X"): such names are not reported.
THING_TITLES = frozenset({"Storm", "Hurricane", "Typhoon", "Cyclone", "Operation"})

# Lower-case nouns right after a name that make it the name of a scheme, event or work ("the
# X scheme", "the X programme"), not a person or an organisation.
THING_NOUNS_AFTER = frozenset(
    {"scheme", "schemes", "programme", "programmes", "program", "initiative", "project", "plan",
     "festival", "awards", "prize", "trophy", "album", "single", "tour", "series", "show", "film",
     "novel", "musical", "bill", "act", "treaty", "doctrine", "disaster", "derby"}
)

# Words after a name that refer back to a person ("X, who", "X, 45,"; "X and his wife").
PERSON_PRONOUNS_AFTER = frozenset({"who", "whom"})  # not "whose": "the company, whose..."

# Titles that, written in lower case, are more often ordinary adjectives or nouns ("the major
# hotels", "in general", "private firms"): in lower case they are no evidence of a person.
AMBIGUOUS_TITLES = frozenset(
    {"major", "general", "private", "grand", "count", "crown", "star", "seed", "forward", "defending",
     "veteran", "midfield"}
)
# The ambiguous titles that are ranks, written before a bare surname ("General Okoro").
RANKS = frozenset({"major", "general", "private", "count"})


# Month names and their news abbreviations: a dateline gives one after the place ("X, March 2 -").
MONTHS = frozenset(
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()
)

# Words about when someone held a role ("Former Labour leader X"): opening a sentence, they are
# capitalised by position and never part of a name.
TIME_QUALIFIERS = frozenset({"former", "ex", "late", "then", "outgoing", "incoming", "retired", "future"})
