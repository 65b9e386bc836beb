"""General English fashion lexicon for reading shoppers' requests.

Plain data, no logic. The catalog supplies the values (its colours, types, attribute values, brands);
this module supplies only English: which words and phrases shoppers use for those values, which words
are cues (negation, price, brand, category change), which are filler. Every value named here is
checked against the catalog when a ``Vocabulary`` is built: a value the catalog lacks is dropped, so a
different catalog keeps working with the subset it has. Phrases are written in plain lower case; they
are tokenised like the shopper's text ("v-neck" and "v neck" are the same phrase, "women's" reads
"women"). A phrase's last word also matches its plural/singular ("stripe"/"stripes").

Attribute values may be written "Key=Value" to restrict them to one attribute key; a bare "Value"
applies to every key that has it ("Cotton" is both a Fabric and a Material).
"""

from __future__ import annotations

# ----------------------------------------------------------------------------- filler words
# Never reported as "ignored", never make a request "understood".
STOPWORDS = frozenset("""
a an the yes yeah yep this that these those it its it's itself one ones something anything thing things
item items product products piece pieces version versions kind sort type style styles look looks looking
i i'm im me my mine we us our you your yours he she they them his her's their
is are was were be been being am isnt arent does do did has have had having get got make made
can could would should will shall may might must want wanted wants need needs needed wish prefer
like likes liked same similar similarly exact exactly identical just only also too very really quite
so such much many more most less least lot lots bit little slightly somewhat rather fairly pretty
please pls plz thanks thank thx kindly maybe perhaps possibly preferably ideally
and or nor but with w/ in on at of for to from by as than then into onto over under about around
of off up down out there here where which what who whom whose when while if else also yet still
show find give see seeing got go going looking search searching buy buying order get getting
some any all every each both either neither other another own
color colour colors colours colored coloured colouring coloring shade shades tone tones hue hues
design designs detail details feature features
the same one same style same look same thing
two three four five several multiple single double none na n/a desired provided comes says saying
contains written shows showing wear wearing worn size sizes price prices priced cost costs costing
rupees rupee rs inr i'd i'll i've i'm you're it's that's what's there's here's let's can't won't
wouldn't couldn't shouldn't alternative alternatives option options choice choices year years yr yrs
month months aged age gift gifts present presents birthday anniversary treat occasion
monday tuesday wednesday thursday friday saturday sunday tue tues thu thur thurs fri
january february march april june july august september october november december jan feb mar apr jun
jul aug sep sept oct nov dec today tonight tomorrow yesterday week weeks fortnight
sweating sweaty sweated kilos kilo kgs
""".split())

# Understood requests the learned vector reads but no catalog field can check ("more elegant").
STYLE_WORDS = frozenset("""
elegant elegance classy classic chic stylish fashionable trendy modern sleek sophisticated glamorous
fancy fancier dressy dressier flowy flowing flowier flow billowy drapey draped flouncy floaty
colourful colorful colourfull colorfull vibrant vivid bright brighter bold bolder loud louder busy
busier muted subtle subdued dull duller earthy neon shiny shinier shimmery sparkly
sparkle glitter glittery satin satiny sheer sheerer see-through transparent lace lacy laced
lacier ruffle ruffles ruffled frill frills frilly frillier fringe fringed pleat pleats pleated
sequin sequins sequined sequinned beaded rhinestones studs studded embroidery embroidered applique
logo logos emblem badge branded wording
font message photo art
superhero animal animals
sexy sexier revealing skimpy modest conservative covered coverage cute cuter pretty girly feminine
masculine manly boyish youthful mature sporty athletic casual-looking simple simpler minimal
minimalist basic plainer clean comfortable comfy cozy cosy soft softer stretchy structured tailored
vintage retro boho bohemian denim preppy edgy punk gothic grunge grungy hipster quirky funny whimsical
playful romantic flirty fun funky unique different unusual interesting fancy
bigger larger smaller wider narrower thicker thinner heavier longer shorter taller
higher lower deeper shallower fuller lightweight short long
buttons button buttoned buttonless zipped pocket pockets belted bow bows
drawstring hem hemline neckline waistline trim piping lining lined straps strap
front back chest waist shoulder shoulders bust hips length large small big tiny huge wide
thin thick open cut cutout cutouts slit slits fitting shaped shape straight rounded square horizontal
vertical diagonal lines line contrast contrasting layered layers ruched gathered bodice sheath peasant
sweetheart asymmetrical asymmetric backless cleavage motif decal symbol symbols toned puffy puffed
cuffs smooth lacey high low mid half full cleaner nerdy nerdier childish official western witty
complex attractive perfect vogue old digital analog analogue chronograph smartwatch dial
""".split())

STYLE_PHRASES = (
    # the price is no limit: no price condition (never "cheaper" from the word "budget")
    "budget isn't a problem", "budget is not a problem", "budget is no problem", "budget isn't an issue",
    "budget is not an issue", "budget doesn't matter", "budget does not matter", "no budget",
    "money is no object", "money isn't an issue", "money is not an issue", "price doesn't matter",
    "price does not matter", "price is no object", "price isn't an issue", "price is not an issue",
    "whatever the price", "regardless of price", "any budget", "no budget limit",
    "cold shoulder", "two tone", "two toned", "one toned", "more colours", "more colors",
                 "less colours", "less colors", "fewer colours", "many colours", "zig zag", "off white trim")

# ----------------------------------------------------------------------------- colours
# A basic colour word means its family: the catalog colours whose name contains one of these words.
COLOUR_FAMILIES: dict[str, tuple[str, ...]] = {
    "black": ("black",),
    "white": ("white", "cream", "ivory"),
    "grey": ("grey", "gray", "charcoal", "melange", "steel"),
    "blue": ("blue", "navy", "turquoise", "teal"),
    "green": ("green", "olive", "teal"),
    "red": ("red", "maroon", "burgundy"),
    "pink": ("pink", "magenta"),
    "purple": ("purple", "lavender", "mauve", "violet", "lilac", "magenta"),
    "brown": ("brown", "tan", "coffee", "taupe", "chocolate"),
    "beige": ("beige", "cream", "khaki", "nude", "skin", "taupe", "off white"),
    "yellow": ("yellow", "mustard"),
    "orange": ("orange", "rust", "peach"),
    "metallic": ("metallic", "silver", "gold", "bronze", "copper", "steel"),
    "neutral": ("black", "white", "grey", "beige", "cream", "khaki", "taupe", "charcoal"),
}
# Other spellings and forms of the family words ("bluish", "bluer", "more blue").
COLOUR_FAMILY_FORMS: dict[str, str] = {
    "gray": "grey", "greyish": "grey", "grayish": "grey", "greyer": "grey", "grayer": "grey",
    "blueish": "blue", "bluish": "blue", "bluer": "blue", "greenish": "green", "greener": "green",
    "reddish": "red", "redder": "red", "pinkish": "pink", "pinky": "pink", "pinker": "pink",
    "purplish": "purple", "purpleish": "purple", "purpler": "purple", "brownish": "brown",
    "browner": "brown", "yellowish": "yellow", "yellower": "yellow", "orangish": "orange",
    "orangey": "orange", "whitish": "white", "whiter": "white", "blackish": "black",
    "blacker": "black", "metal": "metallic", "neutrals": "neutral", "earth tones": "neutral",
    "earthy tones": "neutral", "neutral colours": "neutral", "neutral tones": "neutral",
}
# Colour phrases with no matplotlib name, straight to catalog colour names.
COLOUR_SYNONYMS: dict[str, tuple[str, ...]] = {
    "heather grey": ("Grey Melange", "Grey"), "heather gray": ("Grey Melange", "Grey"),
    "heathered": ("Grey Melange",), "marl grey": ("Grey Melange", "Grey"), "melange": ("Grey Melange",),
    "nude": ("Nude", "Skin", "Beige"), "skin colour": ("Skin", "Nude", "Beige"),
    "golden": ("Gold",), "silvery": ("Silver",), "navy": ("Navy Blue",),
}
# Shopper words for the catalog's "many colours" value.
MULTI_COLOUR_WORDS = ("multicolour", "multicolor", "multicoloured", "multicolored", "multi colour",
                      "multi coloured", "multi color", "multi colored", "multi", "rainbow",
                      "many colours", "several colours", "mixed colours")
# Catalog colour names that are not one hue (no lightness comparisons, no colour distance).
NON_HUE_COLOURS = frozenset({"multi", "na", "metallic", "n/a", "none"})
# Catalog colour name -> matplotlib colour name to take its Lab from, where its own name is not one.
CATALOG_COLOUR_ALIASES: dict[str, str] = {
    "Coffee Brown": "coffee", "Grey Melange": "grey", "Off White": "off white", "Steel": "steel",
}
# matplotlib colour names that shoppers use for something else (a fabric, a print) or that are noise.
NOT_COLOUR_NAMES = frozenset("""
dark light pale bland drab denim leather velvet camo straw dust dirt earth poo poop shit puke vomit
diarrhea booger snot bile bruise barney tea pea leaf heather swamp sick ugly baby cloudy dusky dusty
""".split())
# Relative lightness: "darker", "a lighter blue". Values: -1 darker, +1 lighter.
LIGHTNESS_WORDS: dict[str, int] = {
    "darker": -1, "deeper": -1, "dark coloured": -1, "darker coloured": -1, "darker shade": -1,
    "darker colour": -1, "darker tone": -1, "less bright": -1, "richer": -1, "draker": -1,
    "lighter": 1, "paler": 1, "lighter shade": 1, "lighter colour": 1, "lighter coloured": 1,
    "lighter tone": 1, "softer colour": 1, "less dark": 1, "ligher": 1,
}
# "dark"/"light" before a colour word, or alone ("a dark colour"): which half of the family.
DARK_MODIFIERS = frozenset({"dark", "deep", "darkish", "rich", "midnight", "dusky"})
LIGHT_MODIFIERS = frozenset({"light", "pale", "pastel", "soft", "baby", "powder", "lightish", "icy"})
# A colour word right before these nouns colours a detail, not the product ("white stripes").
DETAIL_NOUNS = frozenset("""
stripe stripes strips print prints text letters lettering writing words logo logos graphic graphics design
designs trim piping accents accent details detail buttons button dots spots flowers floral pattern
patterns collar sole soles laces lace strap straps dial lining border borders outline outlines
embroidery image images picture writing font panel panels sleeves pocket pockets bow belt checks
""".split())

# ----------------------------------------------------------------------------- attributes
PATTERNS: dict[str, tuple[str, ...]] = {
    "checked": ("Checked",), "check": ("Checked",), "checks": ("Checked",), "checkered": ("Checked",),
    "checkered pattern": ("Checked",), "chequered": ("Checked",), "checkers": ("Checked",),
    "plaid": ("Checked",), "tartan": ("Checked",), "gingham": ("Checked",), "flannel": ("Checked",),
    "buffalo check": ("Checked",), "windowpane": ("Checked",), "houndstooth": ("Checked",),
    "plain": ("Solid",), "solid": ("Solid",), "solid colour": ("Solid",), "plain colour": ("Solid",),
    "no pattern": ("Solid",), "without pattern": ("Solid",), "without a pattern": ("Solid",),
    "no print": ("Solid",), "no design": ("Solid",), "no graphic": ("Solid",), "unpatterned": ("Solid",),
    "one colour": ("Solid",), "single colour": ("Solid",), "monochrome": ("Solid",),
    "monochromatic": ("Solid",), "block colour": ("Solid",), "one tone": ("Solid",),
    "striped": ("Striped",), "stripes": ("Striped",), "stripe": ("Striped",), "stripy": ("Striped",),
    "stripey": ("Striped",), "strips": ("Striped",), "pinstripe": ("Striped",), "pinstriped": ("Striped",),
    "pin striped": ("Striped",), "breton": ("Striped",), "striping": ("Striped",), "banded": ("Striped",),
    "printed": ("Printed",), "print": ("Printed",), "graphic print": ("Printed",),
    "graphic": ("Printed",), "graphics": ("Printed",), "graphic tee": ("Printed",), "floral": ("Printed",),
    "florals": ("Printed",), "flowery": ("Printed",), "flowered": ("Printed",), "flower print": ("Printed",),
    "flowers": ("Printed",), "polka dots": ("Printed",), "polka dot": ("Printed",), "polka": ("Printed",),
    "dots": ("Printed",), "spots": ("Printed",), "chevron": ("Printed",), "zigzag": ("Printed",),
    "polkadots": ("Printed",), "dotted": ("Printed",), "spotted": ("Printed",), "animal print": ("Printed",),
    "leopard": ("Printed",), "leopard print": ("Printed",), "zebra": ("Printed",), "cheetah": ("Printed",),
    "tiger print": ("Printed",), "camo": ("Printed",), "camouflage": ("Printed",), "paisley": ("Printed",),
    "tropical": ("Printed",), "hawaiian": ("Printed",), "aloha": ("Printed",), "abstract": ("Printed",),
    "geometric": ("Printed",), "aztec": ("Printed",), "tribal": ("Printed",), "argyle": ("Printed",),
    # words on a garment: in this catalog a garment with lettering, words, text or a cartoon is
    # Printed (measured on its names and descriptions); a logo is as often on a plain one
    "text": ("Printed",), "writing": ("Printed",), "words": ("Printed",), "letters": ("Printed",),
    "lettering": ("Printed",), "slogan": ("Printed",), "typography": ("Printed",), "quote": ("Printed",),
    "cartoon": ("Printed",), "cartoons": ("Printed",), "skull": ("Printed",), "skulls": ("Printed",),
    "picture": ("Printed",), "pictures": ("Printed",), "image": ("Printed",), "images": ("Printed",),
    "artwork": ("Printed",), "character": ("Printed",), "characters": ("Printed",),
    "tie dye": ("Printed", "Dyed"), "tie dyed": ("Printed", "Dyed"), "ombre": ("Dyed",),
    "self design": ("Self Design",), "jacquard": ("Self Design",), "textured": ("Textured", "Self Design"),
    "embossed": ("Self Design",), "colour block": ("Colourblocked",), "colourblock": ("Colourblocked",),
    "colour blocked": ("Colourblocked",), "colourblocked": ("Colourblocked",),
    "colorblock": ("Colourblocked",), "color block": ("Colourblocked",), "color blocked": ("Colourblocked",),
    "embellished": ("Embellished",), "washed": ("Washed",), "acid wash": ("Washed",),
    "stone wash": ("Washed",), "stonewashed": ("Washed",), "faded": ("Washed", "Light Fade", "Heavy Fade"),
    "patterned": ("Printed", "Checked", "Striped", "Self Design", "Patterned"),
    "pattern": ("Printed", "Checked", "Striped", "Self Design", "Patterned"),
    "with a pattern": ("Printed", "Checked", "Striped", "Self Design", "Patterned"),
}
# Words that only say "some pattern": a specific pattern in the same request wins ("leopard print pattern").
GENERIC_PATTERN_WORDS = frozenset({"patterned", "pattern", "patterns", "with a pattern"})
SLEEVES: dict[str, tuple[str, ...]] = {
    "short sleeves": ("Short Sleeves",), "short sleeved": ("Short Sleeves",),
    "short sleeve": ("Short Sleeves",), "half sleeves": ("Short Sleeves",), "half sleeve": ("Short Sleeves",),
    "half sleeved": ("Short Sleeves",), "shortsleeve": ("Short Sleeves",), "short arms": ("Short Sleeves",),
    "long sleeves": ("Long Sleeves",), "long sleeved": ("Long Sleeves",), "long sleeve": ("Long Sleeves",),
    "full sleeves": ("Long Sleeves",), "full sleeve": ("Long Sleeves",), "full sleeved": ("Long Sleeves",),
    "longsleeve": ("Long Sleeves",), "longsleeved": ("Long Sleeves",), "long arms": ("Long Sleeves",),
    "3/4 sleeves": ("Three-Quarter Sleeves",), "3/4": ("Three-Quarter Sleeves",),
    "3/4 sleeve": ("Three-Quarter Sleeves",), "three quarter": ("Three-Quarter Sleeves",),
    "three quarter sleeves": ("Three-Quarter Sleeves",), "elbow sleeves": ("Three-Quarter Sleeves",),
    "elbow length sleeves": ("Three-Quarter Sleeves",), "quarter sleeves": ("Three-Quarter Sleeves",),
    "quarter length": ("Three-Quarter Sleeves",), "quarter length sleeves": ("Three-Quarter Sleeves",),
    "3/4 length": ("Three-Quarter Sleeves",), "3/4 length sleeves": ("Three-Quarter Sleeves",),
    "sleeveless": ("Sleeveless", "No Sleeves"), "no sleeves": ("Sleeveless", "No Sleeves"),
    "no sleeve": ("Sleeveless", "No Sleeves"), "without sleeves": ("Sleeveless", "No Sleeves"),
    "tank": ("Sleeveless", "No Sleeves"), "strappy": ("Sleeveless", "No Sleeves"),
    "spaghetti straps": ("Sleeveless", "No Sleeves"), "spaghetti strap": ("Sleeveless", "No Sleeves"),
    "spaghetti": ("Sleeveless", "No Sleeves"), "straps only": ("Sleeveless", "No Sleeves"),
    "muscle": ("Sleeveless", "No Sleeves"), "sleeves": ("Short Sleeves", "Three-Quarter Sleeves",
                                                          "Long Sleeves"),
    "sleeved": ("Short Sleeves", "Three-Quarter Sleeves", "Long Sleeves"),
    "with sleeves": ("Short Sleeves", "Three-Quarter Sleeves", "Long Sleeves"),
    "puffy sleeves": ("Puff Sleeves",), "puffed sleeves": ("Puff Sleeves",),
    "rolled sleeves": ("Roll-Up Sleeves",), "rolled up sleeves": ("Roll-Up Sleeves",),
    "cuffed": ("Cuffed Sleeves",), "bell sleeves": ("Bell Sleeves",), "batwing": ("Batwing Sleeves",),
}
NECKS: dict[str, tuple[str, ...]] = {
    "v neck": ("V-Neck",), "vneck": ("V-Neck",), "v necked": ("V-Neck",), "v neckline": ("V-Neck",),
    "vee neck": ("V-Neck",), "v shaped neck": ("V-Neck",), "v": ("V-Neck",),
    "round neck": ("Round Neck",), "crew neck": ("Round Neck",), "crewneck": ("Round Neck",),
    "crew": ("Round Neck",), "round": ("Round Neck",), "round necked": ("Round Neck",),
    "scoop neck": ("Scoop Neck",), "scoop": ("Scoop Neck",), "scooped": ("Scoop Neck",),
    "scoopneck": ("Scoop Neck",), "boat neck": ("Boat Neck",), "bateau": ("Boat Neck",),
    "cowl": ("Cowl Neck",), "cowl neck": ("Cowl Neck",), "square neck": ("Square Neck",),
    "high neck": ("High Neck", "Mock Collar"), "turtleneck": ("High Neck", "Mock Collar"),
    "turtle neck": ("High Neck", "Mock Collar"), "mock neck": ("High Neck", "Mock Collar"),
    "polo neck": ("High Neck", "Mock Collar"), "keyhole": ("Keyhole Neck",),
    "strapless": ("Strapless",), "off shoulder": ("Strapless",), "off the shoulder": ("Strapless",),
    "tube": ("Strapless", "Type=Tube"), "tie up neck": ("Tie-Up Neck",), "halter": ("Tie-Up Neck",),
    "halter neck": ("Tie-Up Neck",), "halterneck": ("Tie-Up Neck",),
    "polo": ("Polo Collar",), "polo collar": ("Polo Collar",), "polos": ("Polo Collar",),
    "mandarin collar": ("Mandarin Collar",), "mandarin": ("Mandarin Collar",),
    "nehru collar": ("Mandarin Collar",), "chinese collar": ("Mandarin Collar",),
    "band collar": ("Mandarin Collar",), "stand collar": ("Mandarin Collar",),
    "shirt collar": ("Shirt Collar", "Spread Collar"), "spread collar": ("Spread Collar",),
    "cutaway collar": ("Cutaway Collar",), "slim collar": ("Slim Collar",),
    "hooded": ("Hooded", "Hood"), "hood": ("Hooded", "Hood"), "with a hood": ("Hooded", "Hood"),
    "hoody": ("Hooded", "Hood"),
}
FITS: dict[str, tuple[str, ...]] = {
    "slim": ("Slim Fit",), "slim fit": ("Slim Fit",), "slim fitting": ("Slim Fit",),
    "skinny": ("Skinny Fit",), "skinny fit": ("Skinny Fit",), "regular fit": ("Regular Fit",),
    "classic fit": ("Regular Fit",), "straight fit": ("Regular Fit",), "loose": ("Loose Fit", "Relaxed Fit"),
    "loose fit": ("Loose Fit", "Relaxed Fit"), "loose fitting": ("Loose Fit", "Relaxed Fit"),
    "relaxed": ("Relaxed Fit", "Loose Fit"), "relaxed fit": ("Relaxed Fit", "Loose Fit"),
    "baggy": ("Loose Fit", "Relaxed Fit"), "oversized": ("Loose Fit", "Relaxed Fit"),
    "oversize": ("Loose Fit", "Relaxed Fit"), "tight": ("Tight Fit", "Skinny Fit", "Slim Fit"),
    "tight fit": ("Tight Fit", "Skinny Fit"), "tight fitting": ("Tight Fit", "Skinny Fit", "Slim Fit"),
    "fitted": ("Slim Fit", "Skinny Fit", "Tight Fit", "Type=Fitted"),
    "form fitting": ("Slim Fit", "Skinny Fit", "Tight Fit"), "bodycon": ("Tight Fit", "Skinny Fit"),
    "body hugging": ("Tight Fit", "Skinny Fit"), "figure hugging": ("Tight Fit", "Skinny Fit"),
    "bootcut": ("Bootcut",), "boot cut": ("Bootcut",), "boxy": ("Type=Boxy", "Loose Fit"),
}
FABRICS: dict[str, tuple[str, ...]] = {
    "cotton": ("Cotton", "Pure Cotton", "Cotton Blend"), "pure cotton": ("Pure Cotton", "Cotton"),
    "100% cotton": ("Pure Cotton", "Cotton"), "cotton blend": ("Cotton Blend", "Blended"),
    "blend": ("Blended", "Cotton Blend"), "blended": ("Blended", "Cotton Blend"),
    "linen": ("Linen",), "silk": ("Silk", "Dupion Silk"), "silky": ("Silk", "Dupion Silk"),
    "dupion": ("Dupion Silk",), "wool": ("Wool",), "woollen": ("Wool",), "woolen": ("Wool",),
    "wooly": ("Wool",), "woolly": ("Wool",), "polyester": ("Polyester",), "poly": ("Polyester",),
    "synthetic": ("Synthetic",), "nylon": ("Nylon",), "acrylic": ("Acrylic",), "viscose": ("Viscose Rayon",),
    "rayon": ("Viscose Rayon",), "modal": ("Modal",), "leather": ("Leather",),
    "genuine leather": ("Leather",), "real leather": ("Leather",), "pure leather": ("Leather",),
    "faux leather": ("Synthetic Leather", "PU"), "synthetic leather": ("Synthetic Leather",),
    "vegan leather": ("Synthetic Leather", "PU"), "pu leather": ("Synthetic Leather", "PU"),
    "leatherette": ("Synthetic Leather", "PU"), "pu": ("PU", "Synthetic Leather"),
    "canvas": ("Canvas",), "suede": ("Suede", "Synthetic Suede"), "faux suede": ("Synthetic Suede",),
    "mesh": ("Mesh",), "pvc": ("PVC",), "plastic": ("PVC", "Synthetic"),
}
LENGTHS: dict[str, tuple[str, ...]] = {
    "crop": ("Crop",), "cropped": ("Crop",), "longline": ("Longline",),
    "long line": ("Longline",), "knee length": ("Knee Length",), "knee": ("Knee Length",),
    "above knee": ("Above Knee",), "above the knee": ("Above Knee",), "ankle length": ("Ankle Length",),
    "above ankle": ("Above Ankle",), "midi": ("Midi",), "mini": ("Mini",), "maxi": ("Long", "Type=Maxi"),
    "floor length": ("Long",), "high waisted": ("High-Rise",), "high waist": ("High-Rise",),
    "high rise": ("High-Rise",), "low rise": ("Low-Rise",), "low waist": ("Low-Rise",),
    "low waisted": ("Low-Rise",), "mid rise": ("Mid-Rise",), "mid waist": ("Mid-Rise",),
    "light fade": ("Light Fade",), "heavy fade": ("Heavy Fade",), "no fade": ("No Fade",),
    "zip": ("Zip", "Button and Zip"), "zipper": ("Zip", "Button and Zip"), "chest pocket": ("Chest Pocket",),
}
# Shopper words for product "Type" values (the catalog names most types itself: "Sneakers", "Loafers").
TYPE_VALUES: dict[str, tuple[str, ...]] = {
    "aviator": ("Aviator Sunglasses",), "aviators": ("Aviator Sunglasses",),
    "oversized sunglasses": ("Oversized Sunglasses",), "ballet flats": ("Ballerinas",),
    "ballerina": ("Ballerinas",), "ballet": ("Ballerinas",), "slip on": ("Slip-On Shoes", "Slip-On"),
    "slip ons": ("Slip-On Shoes", "Slip-On"), "derby": ("Derbys",), "oxford": ("Oxfords",),
    "boots": ("Flat Boots",), "boot": ("Flat Boots",), "peep toe": ("Peep Toes",),
    "crossbody": ("Sling Bag",),
    "sling": ("Sling Bag",), "tote": ("Tote Bag",), "a line": ("A-Line",), "aline": ("A-Line",),
    "wrap": ("Wrap",), "tiered": ("Tiered",), "peplum": ("Peplum",), "kaftan": ("Kaftan",),
    "thong": ("Thong Flip-Flops",), "cargo": ("Cargos",), "cargos": ("Cargos",),
}

# Ordered scales for "longer sleeves", "looser": one group of catalog values per step.
SCALES: dict[str, tuple[tuple[str, ...], ...]] = {
    "Sleeve Length": (("Sleeveless", "No Sleeves"), ("Short Sleeves",), ("Three-Quarter Sleeves",),
                      ("Long Sleeves",)),
    "Fit": (("Skinny Fit", "Tight Fit"), ("Slim Fit",), ("Regular Fit",),
            ("Relaxed Fit", "Loose Fit")),
    "Waist Rise": (("Low-Rise",), ("Mid-Rise",), ("High-Rise",)),
}
# phrase -> (scale, direction): +1 towards the end of the scale.
RELATIVE_ATTRIBUTES: dict[str, tuple[str, int]] = {
    "longer sleeves": ("Sleeve Length", 1), "longer sleeved": ("Sleeve Length", 1),
    "longer sleeve": ("Sleeve Length", 1), "more sleeves": ("Sleeve Length", 1),
    "more sleeve": ("Sleeve Length", 1), "fuller sleeves": ("Sleeve Length", 1),
    "shorter sleeves": ("Sleeve Length", -1), "shorter sleeved": ("Sleeve Length", -1),
    "shorter sleeve": ("Sleeve Length", -1), "less sleeves": ("Sleeve Length", -1),
    "fewer sleeves": ("Sleeve Length", -1), "smaller sleeves": ("Sleeve Length", -1),
    "less sleeve": ("Sleeve Length", -1), "sleeves longer": ("Sleeve Length", 1),
    "sleeves shorter": ("Sleeve Length", -1),
    "looser": ("Fit", 1), "baggier": ("Fit", 1), "roomier": ("Fit", 1), "more relaxed": ("Fit", 1),
    "less fitted": ("Fit", 1), "less tight": ("Fit", 1), "looser fit": ("Fit", 1), "more loose": ("Fit", 1),
    "loosely": ("Fit", 1), "tighter": ("Fit", -1), "slimmer": ("Fit", -1), "more fitted": ("Fit", -1),
    "snugger": ("Fit", -1), "less loose": ("Fit", -1), "skinnier": ("Fit", -1), "tighter fit": ("Fit", -1),
    "more form fitting": ("Fit", -1), "tighter fitting": ("Fit", -1), "more tight": ("Fit", -1),
    "slimmer fit": ("Fit", -1), "tigher": ("Fit", -1), "tighter fitted": ("Fit", -1),
    "higher waist": ("Waist Rise", 1), "higher rise": ("Waist Rise", 1), "lower rise": ("Waist Rise", -1),
    "lower waist": ("Waist Rise", -1),
}
# "collar" as a concept: every Neck/Collar value naming a collar (computed from the catalog).
COLLAR_WORDS = frozenset({"collar", "collars", "collared", "collard", "colar"})
COLLARLESS_WORDS = frozenset({"collarless", "no collar", "without collar", "without a collar",
                              "no collars", "non collared"})
COLLAR_VALUE_WORD = "collar"          # catalog values containing this word are collars
COLLAR_EXCLUDED_VALUES = frozenset({"Hooded", "Hood"})  # values under the Collar key that are not collars

# ----------------------------------------------------------------------------- product types
# phrase -> catalog article types. Catalog type names themselves ("casual shoes") are added
# automatically, with their singular/plural.
TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "tee": ("Tshirts",), "tees": ("Tshirts",), "t shirt": ("Tshirts",), "tshirt": ("Tshirts",),
    "tee shirt": ("Tshirts",), "teeshirt": ("Tshirts",), "polo shirt": ("Tshirts",),
    "polo t shirt": ("Tshirts",), "polo tee": ("Tshirts",), "graphic tee": ("Tshirts",),
    "henley": ("Tshirts",), "jersey": ("Tshirts",), "shirt": ("Shirts",), "button down": ("Shirts",),
    "button up": ("Shirts",), "dress shirt": ("Shirts",),
    "top": ("Tops",), "blouse": ("Tops", "Shirts"), "tank top": ("Tops",), "camisole": ("Tops",),
    "cami": ("Tops",), "crop top": ("Tops",), "tunic": ("Tunics",), "kurti": ("Kurtis",),
    "kurta": ("Kurtas",), "dress": ("Dresses",), "gown": ("Dresses",), "frock": ("Dresses",),
    "sundress": ("Dresses",), "skirt": ("Skirts",), "sweater": ("Sweaters",), "jumper": ("Sweaters",),
    "pullover": ("Sweaters", "Sweatshirts"), "cardigan": ("Sweaters",), "knitwear": ("Sweaters",),
    "sweatshirt": ("Sweatshirts",), "hoodie": ("Sweatshirts",), "hoody": ("Sweatshirts",),
    "jacket": ("Jackets",), "coat": ("Jackets",), "blazer": ("Jackets",), "windcheater": ("Jackets",),
    "bomber": ("Jackets",), "waistcoat": ("Waistcoat",), "vest": ("Innerwear Vests",),
    "jeans": ("Jeans",), "denims": ("Jeans",), "jean": ("Jeans",), "trousers": ("Trousers",),
    "pants": ("Trousers", "Track Pants", "Lounge Pants"), "chinos": ("Trousers",),
    "khakis": ("Trousers",), "slacks": ("Trousers",),
    "joggers": ("Track Pants",), "track pants": ("Track Pants",), "trackpants": ("Track Pants",),
    "sweatpants": ("Track Pants",), "trackies": ("Track Pants",), "tracksuit": ("Tracksuits",),
    "shorts": ("Shorts",), "bermudas": ("Shorts",), "capris": ("Capris",), "leggings": ("Leggings",),
    "tights": ("Tights", "Stockings"), "stockings": ("Stockings",), "churidar": ("Churidar",),
    "bottoms": ("Trousers", "Jeans", "Shorts", "Track Pants", "Capris", "Skirts", "Leggings"),
    "saree": ("Sarees",), "sari": ("Sarees",), "dupatta": ("Dupatta",),
    "briefs": ("Briefs",), "underwear": ("Briefs", "Trunk", "Boxers"), "boxers": ("Boxers",),
    "trunks": ("Trunk",), "bra": ("Bra",),
    "shoes": ("Casual Shoes", "Sports Shoes", "Formal Shoes", "Flats", "Heels"),
    "footwear": ("Casual Shoes", "Sports Shoes", "Formal Shoes", "Flats", "Heels", "Sandals",
                 "Flip Flops", "Sports Sandals"),
    "sneakers": ("Casual Shoes", "Sports Shoes"), "sneaker": ("Casual Shoes", "Sports Shoes"),
    "trainers": ("Sports Shoes", "Casual Shoes"), "running shoes": ("Sports Shoes",),
    "kicks": ("Casual Shoes", "Sports Shoes"), "canvas shoes": ("Casual Shoes",),
    "loafers": ("Casual Shoes", "Formal Shoes"), "moccasins": ("Casual Shoes",),
    "brogues": ("Formal Shoes",), "oxfords": ("Formal Shoes",), "derbys": ("Formal Shoes",),
    "dress shoes": ("Formal Shoes",), "office shoes": ("Formal Shoes",), "boots": ("Casual Shoes", "Flats"),
    "heels": ("Heels",), "high heels": ("Heels",), "pumps": ("Heels",), "stilettos": ("Heels",),
    "wedges": ("Heels",), "flats": ("Flats",), "ballerinas": ("Flats",), "ballet flats": ("Flats",),
    "sandals": ("Sandals", "Sports Sandals"), "sandal": ("Sandals", "Sports Sandals"),
    "flip flops": ("Flip Flops",), "flipflops": ("Flip Flops",), "slippers": ("Flip Flops",),
    "chappals": ("Flip Flops", "Sandals"), "slides": ("Flip Flops",), "thongs": ("Flip Flops",),
    "floaters": ("Sandals", "Sports Sandals"), "crocs": ("Flip Flops", "Sandals"),
    "watch": ("Watches",), "wristwatch": ("Watches",), "sunglasses": ("Sunglasses",),
    "shades": ("Sunglasses",), "sunnies": ("Sunglasses",), "goggles": ("Sunglasses",),
    "glasses": ("Sunglasses",), "bag": ("Handbags", "Backpacks", "Laptop Bag", "Messenger Bag",
                                       "Duffel Bag", "Clutches"),
    "handbag": ("Handbags",), "purse": ("Handbags", "Clutches", "Wallets"), "tote": ("Handbags",),
    "tote bag": ("Handbags",), "shoulder bag": ("Handbags",), "sling bag": ("Handbags",),
    "clutch": ("Clutches",), "backpack": ("Backpacks", "Rucksacks"), "rucksack": ("Rucksacks", "Backpacks"),
    "school bag": ("Backpacks",), "laptop bag": ("Laptop Bag",), "duffel": ("Duffel Bag",),
    "duffle": ("Duffel Bag",), "gym bag": ("Duffel Bag",), "wallet": ("Wallets",),
    "billfold": ("Wallets",), "belt": ("Belts",), "cap": ("Caps",), "baseball cap": ("Caps",),
    "hat": ("Hat", "Caps"), "beanie": ("Caps",), "tie": ("Ties",), "necktie": ("Ties",),
    "socks": ("Socks",), "scarf": ("Scarves", "Stoles", "Mufflers"), "muffler": ("Mufflers",),
    "stole": ("Stoles",), "gloves": ("Gloves",), "cufflinks": ("Cufflinks",), "umbrella": ("Umbrellas",),
    "perfume": ("Perfume and Body Mist",), "deo": ("Deodorant",), "deodorant": ("Deodorant",),
    "necklace": ("Necklace and Chains",), "chain": ("Necklace and Chains",), "bracelet": ("Bracelet",),
    # everyday and British names
    "parka": ("Jackets",), "anorak": ("Jackets",), "puffer": ("Jackets",), "puffer jacket": ("Jackets",),
    "gilet": ("Jackets",), "raincoat": ("Jackets",), "overcoat": ("Jackets",),
    "trench": ("Jackets",), "windbreaker": ("Jackets",), "shacket": ("Jackets",), "shrug": ("Shrug",),
    "cardi": ("Sweaters",), "cardy": ("Sweaters",), "jumpers": ("Sweaters",), "knit": ("Sweaters",),
    "turtleneck sweater": ("Sweaters",), "hoodies": ("Sweatshirts",), "sweats": ("Track Pants",),
    "trackie bottoms": ("Track Pants",), "trackie": ("Track Pants",), "jogging bottoms": ("Track Pants",),
    "pjs": ("Lounge Pants",), "pyjamas": ("Lounge Pants",), "pajamas": ("Lounge Pants",),
    "lounge pants": ("Lounge Pants",), "loungewear": ("Lounge Pants", "Lounge Shorts"),
    "knickers": ("Briefs",), "undies": ("Briefs", "Trunk", "Boxers"), "pants underwear": ("Briefs",),
    "singlet": ("Innerwear Vests",), "undershirt": ("Innerwear Vests",),
    "tux": ("Waistcoat", "Shirts"), "tuxedo": ("Waistcoat", "Shirts"), "denim jacket": ("Jackets",),
    "specs": ("Sunglasses",), "sunglass": ("Sunglasses",), "aviators": ("Sunglasses",),
    "wayfarers": ("Sunglasses",), "wellies": ("Casual Shoes",), "plimsolls": ("Casual Shoes",),
    "slip ons": ("Casual Shoes",), "slip on": ("Casual Shoes",),
    "sliders": ("Flip Flops",), "flipflop": ("Flip Flops",), "hawaii chappals": ("Flip Flops",),
    "daps": ("Casual Shoes",), "runners": ("Sports Shoes",),
    "shades glasses": ("Sunglasses",), "bum bag": ("Waist Pouch",), "fanny pack": ("Waist Pouch",),
    "satchel": ("Messenger Bag", "Handbags"), "cross body": ("Handbags",), "crossbody": ("Handbags",),
    "bucket hat": ("Hat",), "snapback": ("Caps",), "trilby": ("Hat",), "fedora": ("Hat",),
    "bow tie": ("Ties",), "kurta pyjama": ("Kurta Sets",), "salwar": ("Churidar",), "lehenga": ("Skirts",),
    # slang and regional names (British, Australian, Indian English)
    "banian": ("Innerwear Vests",), "banians": ("Innerwear Vests",), "baniyan": ("Innerwear Vests",),
    "banyan": ("Innerwear Vests",), "ganji": ("Innerwear Vests",), "sando": ("Innerwear Vests",),
    "wifebeater": ("Innerwear Vests",), "vests": ("Innerwear Vests",), "tank": ("Tops", "Innerwear Vests"),
    "kecks": ("Trousers",), "trews": ("Trousers",), "strides": ("Trousers",), "daks": ("Trousers",),
    "cargos": ("Trousers", "Shorts"), "cargo pants": ("Trousers",), "combats": ("Trousers",),
    "skinnies": ("Jeans",), "flares": ("Jeans", "Trousers"), "jorts": ("Shorts",), "boardies": ("Shorts",),
    "board shorts": ("Shorts",), "trackydacks": ("Track Pants",), "trackpant": ("Track Pants",),
    "jandals": ("Flip Flops",), "flippers": ("Flip Flops",), "hawai chappals": ("Flip Flops",),
    "creps": ("Casual Shoes", "Sports Shoes"), "sneaks": ("Casual Shoes", "Sports Shoes"),
    "tennis shoes": ("Sports Shoes", "Casual Shoes"), "gym shoes": ("Sports Shoes",),
    "joggers shoes": ("Sports Shoes",), "kolhapuris": ("Sandals", "Flats"), "juttis": ("Flats",),
    "mojaris": ("Flats", "Casual Shoes"), "flannel": ("Shirts",), "crewneck": ("Sweatshirts", "Sweaters"),
    "zip up": ("Sweatshirts", "Jackets"), "fleece": ("Sweatshirts", "Jackets"), "jammies": ("Lounge Pants",),
    "lid": ("Caps", "Hat"), "toque": ("Caps",), "tuque": ("Caps",), "ticker": ("Watches",),
    "timepiece": ("Watches",), "manbag": ("Messenger Bag",), "murse": ("Messenger Bag",),
    "daypack": ("Backpacks",), "bumbag": ("Waist Pouch",), "money clip": ("Wallets",),
    "cardholder": ("Wallets",), "card holder": ("Wallets",),
}
# Types shoppers use loosely for one another (Fashion IQ's "shirt" is any top): a bare mention of
# one of these on a reference of the same group keeps the reference's type; only an explicit cue
# ("as a", "instead", "make it a") changes it.
LOOSE_TYPE_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"Tshirts", "Shirts", "Tops", "Tunics"}),
    frozenset({"Trousers", "Track Pants", "Lounge Pants", "Jeans", "Capris"}),
)
# Tops are named loosely whatever the word (Fashion IQ's captions call any top a tee, a shirt, a
# blouse or a tank); bottoms are not: "joggers" on jeans asks for other trousers.
LOOSE_WHATEVER_THE_WORD = frozenset({"Tshirts", "Shirts", "Tops", "Tunics"})
# The words shoppers use loosely for anything of a loose group ("a darker shirt" on a t-shirt, "these
# pants but cheaper" on jeans): bare, they keep the reference's type. A specific word ("joggers",
# "hoodie", "chinos", "tee") is a change.
LOOSE_TYPE_WORDS = frozenset({"shirt", "shirts", "top", "tops", "pants", "pant", "trousers", "trouser",
                              "bottoms", "tshirt", "t shirt", "tshirts", "t shirts"})
# Type words that also say something about the garment: "hoodie" is a hooded sweatshirt.
TYPE_IMPLIES: dict[str, tuple[str, ...]] = {
    "hoodie": ("Hooded", "Hood"), "hoody": ("Hooded", "Hood"), "polo shirt": ("Polo Collar",),
    "polo t shirt": ("Polo Collar",), "polo tee": ("Polo Collar",), "tank top": ("Sleeveless", "No Sleeves"),
    "crop top": ("Crop",), "graphic tee": ("Printed",), "sneakers": ("Sneakers",), "sneaker": ("Sneakers",),
    "loafers": ("Loafers",), "pumps": ("Pumps",), "ballerinas": ("Ballerinas",),
    "ballet flats": ("Ballerinas",), "brogues": ("Brogues",), "oxfords": ("Oxfords",),
    "derbys": ("Derbys",), "tote": ("Tote Bag",), "tote bag": ("Tote Bag",),
    "shoulder bag": ("Shoulder Bag",), "sling bag": ("Sling Bag",), "boots": ("Flat Boots",),
    "chinos": ("Regular Fit", "Slim Fit"), "pullover": ("Pullover",), "cardigan": ("Front-Open",),
}

# ----------------------------------------------------------------------------- cues
# Category change: "as a t-shirt", "make it a dress", "sneakers instead".
CHANGE_BEFORE = ("as a", "as an", "as", "but", "make it a", "make it an", "make it", "turn it into",
                 "turn into", "into a", "into", "change to", "change it to", "switch to", "swap for",
                 "but a", "but an", "but as", "in a", "in", "a pair of", "rather a", "but in",
                 "same but a", "same but as", "in the form of", "version as", "swap", "switch", "replace",
                 "swap it for", "swap them for", "swap these for", "trade", "exchange",
                 # an ask for the item itself: "need a tie", "got any belts?", "show me some caps"
                 "need a", "need an", "need some", "want a", "want some", "got any", "got a", "any",
                 "looking for a", "looking for", "show me a", "show me some", "show me", "recommend a",
                 "suggest a", "do you have any", "do you have a", "do you sell", "in the market for a",
                 "do you have", "do u have", "have you got", "have you got any", "do you stock",
                 "do you carry", "i'd like", "i'd like a", "id like", "id like a", "i would like",
                 "i would like a", "i'd love", "i'd love a")
CHANGE_AFTER = ("instead", "version", "instead of this", "rather", "one instead")
# Not a change: "a shirt to go with jeans", "matching shoes".
NON_CHANGE_BEFORE = ("with", "to go with", "goes with", "go with", "to wear with", "wear with",
                     "pair with", "paired with", "match", "matches", "under", "over",
                     "on", "like", "has", "have", "having", "had", "wearing", "print of", "picture of",
                     "image of", "w/", "plus")
# A companion item: the type is wanted *beside* the reference ("matching trousers", "a belt to go
# with it", "shoes to wear with this"): before the type, or after it followed by a word for the
# reference (COMPANION_OBJECTS).
COMPANION_BEFORE = ("matching", "a matching", "coordinating", "complementing", "to complete the look",
                    "to go with it a", "to go with this a", "to match")
COMPANION_AFTER = ("to go with", "that goes with", "that go with", "goes with", "go with", "to match",
                   "that matches", "that match", "to wear with", "to pair with", "to team with",
                   "to complete", "for this", "for it", "for these", "for them", "to go along with",
                   "matching", "go well with",
                   "goes well with", "would go with", "would go well with", "to complete the look",
                   "complete the look", "complete the outfit", "to match it", "to wear it with",
                   "would suit", "to suit", "that suits", "that would suit", "would look good with",
                   "would look good on", "to layer over", "to layer under", "to wear under", "to wear over")
COMPANION_OBJECTS = frozenset({"it", "this", "these", "that", "them", "this one", "the outfit", "my outfit",
                               "the look", "this look", "my", "mine"})

# Who it is for. Values name audiences defined by AUDIENCES.
AUDIENCE_WORDS: dict[str, str] = {
    "women": "women", "woman": "women", "womens": "women", "ladies": "women", "lady": "women",
    "female": "women", "females": "women", "girlfriend": "women", "wife": "women", "mom": "women",
    "mother": "women", "sister": "women", "feminine version": "women",
    "men": "men", "man": "men", "mens": "men", "male": "men", "males": "men", "gents": "men",
    "guys": "men", "guy": "men", "boyfriend": "men", "husband": "men", "dad": "men", "father": "men",
    "brother": "men", "for him": "him", "for her": "her", "kids": "kids", "kid": "kids", "children": "kids",
    "child": "kids", "childrens": "kids", "toddler": "kids", "toddlers": "kids", "baby": "kids",
    "babies": "kids", "infant": "kids", "junior": "kids", "juniors": "kids", "boys": "boys",
    "boy": "boys", "son": "boys", "girls": "girls", "girl": "girls", "daughter": "girls",
    "unisex": "unisex", "gender neutral": "unisex", "for both": "unisex", "adults": "adults",
    "adult": "adults", "grown ups": "adults",
    # family words, nicknames and everyday names for people (with "for" or a possessive)
    "nan": "women", "nana": "women", "nanna": "women", "gran": "women", "granny": "women", "grandma": "women",
    "grandmother": "women", "grandmom": "women", "nani": "women", "dadi": "women", "aunt": "women",
    "auntie": "women", "aunty": "women", "missus": "women", "missis": "women", "mrs": "women",
    "wifey": "women",
    "mum": "women", "mummy": "women", "mommy": "women", "mama": "women", "mam": "women", "stepmom": "women",
    "stepmum": "women", "stepmother": "women", "mother in law": "women", "sister in law": "women",
    "daughter in law": "women", "fiancee": "women", "gf": "women", "bride": "women", "bridesmaid": "women",
    "sis": "women", "lass": "women", "lady friend": "women", "mother's day": "women", "bridesmaids": "women",
    "grandpa": "men", "grandad": "men", "granddad": "men", "grandfather": "men", "gramps": "men",
    "grandpop": "men", "nana ji": "men", "uncle": "men", "hubby": "men", "bf": "men", "daddy": "men",
    "papa": "men", "pops": "men", "stepdad": "men", "stepfather": "men", "father in law": "men",
    "brother in law": "men", "son in law": "men", "fiance": "men", "groom": "men", "groomsman": "men",
    "groomsmen": "men", "bro": "men", "the lads": "men", "dude": "men", "gentleman": "men",
    "gentlemen": "men", "father's day": "men",
    "grandson": "boys", "nephew": "boys", "lad": "boys", "little boy": "boys", "little man": "boys",
    "granddaughter": "girls", "niece": "girls", "little girl": "girls", "little lady": "girls",
    "little one": "kids", "little ones": "kids", "newborn": "kids", "tween": "kids", "tweens": "kids",
    "grandkid": "kids", "grandkids": "kids", "grandchild": "kids", "grandchildren": "kids",
    "hubs": "men", "fella": "men", "fellah": "men", "bloke": "men", "old man": "men", "the old man": "men",
    "old lady": "women", "old dear": "women", "stepson": "boys", "stepdaughter": "girls", "kiddo": "kids",
    "kiddos": "kids", "kiddies": "kids", "tot": "kids", "tots": "kids", "twins": "kids", "nipper": "kids",
    "munchkin": "kids", "little un": "kids", "little uns": "kids", "lil one": "kids", "lil ones": "kids",
    "lil un": "kids", "lil man": "boys", "lil boy": "boys", "lil girl": "girls", "lil lady": "girls",
    # Indian English kin words
    "bhabhi": "women", "didi": "women", "behen": "women", "maa": "women", "mausi": "women",
    "masi": "women", "chachi": "women", "bua": "women", "bhai": "men", "bhaiya": "men",
    "bhaiyya": "men", "jiju": "men", "chacha": "men", "dadaji": "men", "nanaji": "men",
    "mil": "women", "sil": "women", "fil": "men", "bil": "men", "godson": "boys", "goddaughter": "girls",
    "fiancé": "men", "fiancée": "women",
    # a person whose gender the word does not say: a later "she" or "he" does ("for my partner, she…")
    "partner": "person", "other half": "person", "better half": "person", "bestie": "person",
    "bff": "person", "best friend": "person", "friend": "person", "colleague": "person", "boss": "person",
    "coworker": "person", "flatmate": "person", "roommate": "person", "housemate": "person",
}
# audience -> (genders, age groups); "{adult}"/"{kid}" expand to the catalog's age groups of that
# kind, "{same}" keeps the reference's age kind.
AUDIENCES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "women": (("Women",), ("Adults-Women",)),
    "men": (("Men",), ("Adults-Men",)),
    "unisex": (("Unisex",), ("Adults-Unisex", "Kids-Unisex")),
    "kids": ((), ("Kids-Boys", "Kids-Girls", "Kids-Unisex")),
    "boys": ((), ("Kids-Boys", "Kids-Unisex")),
    "girls": ((), ("Kids-Girls", "Kids-Unisex")),
    "adults": ((), ("Adults-Men", "Adults-Women", "Adults-Unisex")),
}

# Set phrases whose colour or garment word names nothing to buy ("feeling blue", "a red flag", "keep
# your shirt on"). They are read as a whole, so their words neither become conditions nor reach the
# text encoder; a few carry a meaning of their own (value: an occasion usage, or "cheaper" /
# "pricier"). Phrases no list holds are the polarity judge's ("other": only mentioned).
IDIOMS: dict[str, str | None] = {
    **dict.fromkeys((
        "feeling blue", "feel blue", "feeling a bit blue", "feeling a little blue", "feeling kinda blue",
        "out of the blue", "once in a blue moon", "blue moon", "true blue", "blue blood", "blue blooded",
        "blue sky thinking", "talk a blue streak", "black and blue", "red flag", "red flags", "red tape",
        "red handed", "caught red handed", "see red", "seeing red", "red letter day", "paint the town red",
        "painting the town red", "red eye", "red eye flight", "red herring", "red carpet", "red carpet look",
        "out of the red", "green with envy", "green light", "greenlight", "green thumb", "green fingers",
        "greenhorn", "grass is greener", "the grass is always greener", "black sheep", "black mark",
        "black market", "blackout", "black out", "in black and white", "white lie", "white lies",
        "white elephant", "white knuckle", "white knuckled", "whitewash", "white as a sheet",
        "white noise", "grey area", "gray area", "grey matter", "gray matter", "golden opportunity",
        "golden hour", "golden years", "golden boy", "golden girl", "heart of gold", "silver lining",
        "silver spoon", "silver screen", "golden ticket", "tickled pink", "in the pink", "pink slip",
        "yellow bellied", "purple patch", "purple prose", "brown nose", "brownie points",
        "rose tinted", "rose tinted glasses", "rose coloured glasses", "rose colored glasses",
        "with flying colours", "with flying colors", "true colours", "true colors", "off colour",
        "hot under the collar", "wear the trousers", "wears the trousers", "wear the pants",
        "wears the pants", "below the belt", "under my belt", "under your belt", "if the shoe fits",
        "in my shoes", "in your shoes", "in his shoes", "in her shoes", "shoo in", "shoe in",
        "keep your shirt on", "lose my shirt", "off the cuff", "cap in hand", "hats off", "hat trick",
        "at the drop of a hat", "old hat", "fits like a glove", "the gloves are off", "hand in glove",
        "pull your socks up", "knock your socks off", "knock my socks off", "smarty pants",
        "ants in my pants", "by the seat of my pants", "too big for his boots", "too big for her boots",
        "tie the knot", "tying the knot", "bag of nerves", "in the bag", "let the cat out of the bag",
        "mixed bag", "goody bag", "give me the boot", "got the boot", "old school tie",
        "round it off", "round it out", "round off", "round out", "rounds it off", "round things off",
        "all grey to me", "all gray to me", "green around the gills", "blue in the face", "black eye",
        "red rag to a bull", "red alert", "code red", "yellow card", "red card", "black hole", "black swan",
        "orange is the new black", "the new black", "smart choice", "smart move", "smart buy", "smart idea",
        "smart pick", "smart cookie", "works for me", "work for me",
    ), None),
    "white collar": "Formal", "white collar job": "Formal", "blue collar": "Casual",
    "dressed to the nines": "Party", "dressed to kill": "Party", "glad rags": "Party",
    "sunday best": "Formal", "suited and booted": "Formal",
    "in the red": "cheaper", "a bit in the red": "cheaper", "on a shoestring": "cheaper",
    "tighten my belt": "cheaper", "tightening my belt": "cheaper", "belt tightening": "cheaper",
    "strapped for cash": "cheaper", "broke this month": "cheaper", "skint": "cheaper",
    "won't break the bank": "cheaper", "wont break the bank": "cheaper", "not break the bank": "cheaper",
    "without breaking the bank": "cheaper", "doesn't break the bank": "cheaper",
    "doesnt break the bank": "cheaper", "break the bank": "cheaper", "cost an arm and a leg": "cheaper",
    "costs an arm and a leg": "cheaper", "doesn't cost an arm and a leg": "cheaper",
    "doesnt cost an arm and a leg": "cheaper", "won't cost an arm and a leg": "cheaper",
    "money tight": "cheaper", "money is tight": "cheaper", "money is a bit tight": "cheaper",
    "budget tight": "cheaper", "budget is tight": "cheaper", "tight budget": "cheaper",
    "cash is tight": "cheaper", "cash tight": "cheaper",
    "dress to impress": None, "dressed to impress": None,
    "put on weight": None, "putting on weight": None, "gained weight": None, "lost weight": None,
    "losing weight": None, "lose weight": None,
    # when, not what for: "for a hike this weekend" is no weekend wear
    "this weekend": None, "next weekend": None, "last weekend": None, "over the weekend": None,
    "splash out": "pricier", "splashing out": "pricier", "push the boat out": "pricier",
    "pushing the boat out": "pricier",
}

# Occasions -> catalog usage values. A reference whose sub-category has a type named after the usage
# ("Formal Shoes") switches to that type instead.
OCCASIONS: dict[str, str] = {
    "formal": "Formal", "formals": "Formal", "more formal": "Formal", "office": "Formal", "work": "Formal",
    "workplace": "Formal", "business": "Formal", "professional": "Formal", "corporate": "Formal",
    "meeting": "Formal", "meetings": "Formal", "interview": "Formal", "dressy": "Formal",
    "dressier": "Formal", "smart": "Formal", "semi formal": "Smart Casual", "semiformal": "Smart Casual",
    "smart casual": "Smart Casual", "business casual": "Smart Casual",
    "casual": "Casual", "casuals": "Casual", "everyday": "Casual", "daily": "Casual",
    "daily wear": "Casual", "weekend": "Casual", "weekends": "Casual", "college": "Casual",
    "laid back": "Casual", "lounging": "Casual", "hanging out": "Casual", "beach": "Beach",
    "vacation": "Casual", "holiday": "Casual", "beach holiday": "Beach", "seaside": "Beach",
    "by the sea": "Beach", "the sea": "Beach", "shower": "Beach", "showers": "Beach",
    "sports": "Sports", "sport": "Sports", "sporty": "Sports", "sportier": "Sports", "athletic": "Sports",
    "gym": "Sports", "workout": "Sports", "workouts": "Sports", "work out": "Sports",
    "exercise": "Sports", "running": "Sports", "jogging": "Sports", "training": "Sports",
    "fitness": "Sports", "yoga": "Sports", "football": "Sports", "cricket": "Sports", "tennis": "Sports",
    "basketball": "Sports", "hiking": "Sports", "trekking": "Sports", "cycling": "Sports",
    "hike": "Sports", "hikes": "Sports", "trek": "Sports", "treks": "Sports", "trail": "Sports",
    "trails": "Sports", "marathon": "Sports", "5k": "Sports", "10k": "Sports", "badminton": "Sports",
    "squash": "Sports", "pilates": "Sports", "zumba": "Sports", "crossfit": "Sports", "climbing": "Sports",
    "camping": "Sports", "mountains": "Sports", "sprint": "Sports", "athletics": "Sports",
    "sportswear": "Sports", "activewear": "Sports", "active": "Sports",
    "ethnic": "Ethnic", "traditional": "Ethnic", "festive": "Ethnic", "festival": "Ethnic",
    "wedding": "Wedding", "weddings": "Wedding", "reception": "Wedding", "engagement": "Wedding",
    "shaadi": "Wedding", "sangeet": "Ethnic", "mehendi": "Ethnic", "mehndi": "Ethnic", "haldi": "Ethnic",
    "funeral": "Formal", "memorial": "Formal", "church": "Formal", "graduation": "Formal",
    "convocation": "Formal", "black tie": "Formal", "gala": "Formal", "conference": "Formal",
    "swimming": "Beach", "swimming pool": "Beach", "pool": "Beach", "poolside": "Beach",
    "brunch": "Casual", "picnic": "Casual", "festival season": "Ethnic", "indian": "Ethnic",
    "diwali": "Ethnic", "puja": "Ethnic", "pooja": "Ethnic",
    "eid": "Ethnic", "navratri": "Ethnic", "desi": "Ethnic", "travel": "Travel", "travelling": "Travel",
    "traveling": "Travel", "trip": "Travel", "party": "Party", "parties": "Party", "night out": "Party",
    "clubbing": "Party", "evening": "Party", "date": "Party", "date night": "Party",
    # more games, festivals and events shoppers name
    "footy": "Sports", "soccer": "Sports", "rugby": "Sports", "netball": "Sports", "hockey": "Sports",
    "volleyball": "Sports", "pickleball": "Sports", "padel": "Sports", "golf": "Sports", "kabaddi": "Sports",
    "skating": "Sports", "skateboarding": "Sports", "triathlon": "Sports", "spin class": "Sports",
    "bootcamp": "Sports", "boot camp": "Sports", "run club": "Sports", "parkrun": "Sports",
    "weights": "Sports", "lifting": "Sports", "treadmill": "Sports", "sports day": "Sports",
    "presentation": "Formal", "presentations": "Formal", "seminar": "Formal", "boardroom": "Formal",
    "courtroom": "Formal", "viva": "Formal", "client visit": "Formal", "first day at work": "Formal",
    "errands": "Casual", "school run": "Casual", "chilling": "Casual", "lazy sunday": "Casual",
    "onam": "Ethnic", "pongal": "Ethnic", "karwa chauth": "Ethnic", "ganesh chaturthi": "Ethnic",
    "teej": "Ethnic", "lohri": "Ethnic", "baisakhi": "Ethnic", "rakhi": "Ethnic", "raksha bandhan": "Ethnic",
    "bhai dooj": "Ethnic", "dussehra": "Ethnic", "garba": "Ethnic", "dandiya": "Ethnic",
    "durga puja": "Ethnic",
    "cocktail": "Party", "cocktails": "Party", "prom": "Party", "disco": "Party", "nye": "Party",
    "new year's eve": "Party", "hen do": "Party", "stag do": "Party", "bachelorette": "Party",
    "bachelor party": "Party",
    "morning run": "Sports", "morning runs": "Sports", "evening run": "Sports", "evening runs": "Sports",
    "my runs": "Sports", "long runs": "Sports", "for a run": "Sports", "jog": "Sports", "jogs": "Sports",
    "morning jog": "Sports", "court hearing": "Formal", "a hearing": "Formal", "in court": "Formal",
    "court date": "Formal", "to court": "Formal", "court appearance": "Formal",
    "baby shower": "Party", "bridal shower": "Party", "temple": "Ethnic", "temple visit": "Ethnic",
    "mandir": "Ethnic", "gurdwara": "Ethnic", "airport": "Travel", "flight": "Travel",
    "long flight": "Travel",
}
# Occasions that several of the catalog's usages dress for (a wedding: traditional or formal).
OCCASION_GROUPS: dict[str, tuple[str, ...]] = {"Wedding": ("Ethnic", "Formal"), "Beach": ("Casual",)}
# Occasions that choose the footwear itself: by the pool a shoe reference becomes open footwear.
OCCASION_FOOTWEAR: dict[str, tuple[str, ...]] = {"Beach": ("Flip Flops", "Sandals", "Sports Sandals")}
# "less formal" reads as the opposite occasion.
OCCASION_OPPOSITES: dict[str, str] = {
    "Formal": "Casual", "Casual": "Formal", "Sports": "Casual", "Ethnic": "Casual", "Party": "Casual",
    "Smart Casual": "Casual", "Wedding": "Casual", "Beach": "Formal",
}
SEASONS: dict[str, tuple[str, ...]] = {
    "summer": ("Summer", "Spring"), "summers": ("Summer", "Spring"), "summery": ("Summer", "Spring"),
    "hot weather": ("Summer", "Spring"), "hot": ("Summer", "Spring"), "breathable": ("Summer", "Spring"),
    "airy": ("Summer", "Spring"), "cooler": ("Summer", "Spring"), "lighter fabric": ("Summer", "Spring"),
    "spring": ("Spring", "Summer"), "winter": ("Winter", "Fall"), "winters": ("Winter", "Fall"),
    "wintry": ("Winter", "Fall"), "wintery": ("Winter", "Fall"), "cold weather": ("Winter", "Fall"),
    "cold": ("Winter", "Fall"), "warmer": ("Winter", "Fall"), "warm": ("Winter", "Fall"),
    "snow": ("Winter",), "thicker fabric": ("Winter", "Fall"), "autumn": ("Fall", "Winter"),
    "fall": ("Fall", "Winter"), "monsoon": ("Fall", "Summer"), "rainy": ("Fall", "Summer"),
}

# Price. Relative to the reference's selling price:
CHEAPER_WORDS = ("cheaper", "less expensive", "lower price", "lower priced", "budget", "affordable",
                 "more affordable", "inexpensive", "cheap", "economical", "pocket friendly",
                 "low cost", "lower cost", "not expensive", "not as expensive", "not so expensive",
                 "not too expensive", "less pricey", "less costly", "costs less", "cost less",
                 "cheeper", "cheaper option", "lower budget", "value for money", "less money",
                 "reasonably priced", "reasonable price", "bargain", "save money", "too expensive",
                 "too pricey", "too costly", "lower priced", "cheaper than", "cheaper than this",
                 "lower than this", "less than this", "cheaper than that")
PRICIER_WORDS = ("more expensive", "pricier", "premium", "luxury", "luxurious", "high end", "higher end",
                 "upmarket", "costlier", "higher price", "higher priced", "pricey", "expensive",
                 "designer", "top end", "splurge", "more premium", "pricier than", "more expensive than",
                 "costlier than")
HALF_PRICE_WORDS = ("half the price", "half price", "half the cost")
# Number cues: phrase -> op. "under 800", "max 800", "over 1k", "at least 1000".
PRICE_CUES: dict[str, str] = {
    "under": "lt", "below": "lt", "less than": "lt", "cheaper than": "lt", "lower than": "lt",
    "beneath": "lt", "<": "lt", "sub": "lt", "not more than": "lte", "no more than": "lte",
    "max": "lte", "maximum": "lte", "up to": "lte", "upto": "lte", "within": "lte", "at most": "lte",
    "not over": "lte", "not above": "lte", "till": "lte", "until": "lte", "budget": "lte",
    "budget of": "lte", "my budget is": "lte", "budget is": "lte", "for under": "lt", "for less than": "lt",
    "<=": "lte", "≤": "lte", "or less": "lte_after", "or below": "lte_after", "or under": "lte_after",
    "and under": "lte_after", "and below": "lte_after", "max.": "lte",
    "over": "gt", "above": "gt", "more than": "gt", "greater than": "gt", "pricier than": "gt",
    "costlier than": "gt", "more expensive than": "gt", ">": "gt", "at least": "gte", "min": "gte",
    "minimum": "gte", "starting at": "gte", "starting from": "gte", ">=": "gte", "≥": "gte",
    "or more": "gte_after", "or above": "gte_after", "and above": "gte_after", "plus": "gte_after",
    "onwards": "gte_after", "upwards": "gte_after", "and up": "gte_after", "or cheaper": "lte_after",
    "or lower": "lte_after", "tops": "lte_after", "at the most": "lte_after",
    "around": "approx", "about": "approx", "roughly": "approx", "approx": "approx",
    "approximately": "approx", "close to": "approx", "near": "approx", "~": "approx", "for": "lte",
    "between": "between", "from": "between", "in the range": "between", "range": "between",
    # a ceiling said as an unwillingness: "i don't want to spend more than 2000"
    **dict.fromkeys((f"{no} {verb} more than" for no in (
        "don't want to", "dont want to", "do not want to", "won't", "wont", "can't", "cant", "cannot",
        "not", "rather not", "don't", "dont") for verb in ("spend", "pay")), "lte"),
}
# A cue that follows its number ("500 and under") may also lead the next one ("over 500 and under 900").
TAIL_CUES_BEFORE_A_NUMBER = {"and under": "lt", "and below": "lt", "or under": "lt", "or below": "lt",
                             "and above": "gt", "or above": "gt"}
CURRENCY_WORDS = frozenset({"₹", "rs", "rs.", "inr", "rupees", "rupee", "/-", "price",
                            "priced", "costing", "cost", "costs", "a price of", "the price"})
# Other currencies: never read as rupees, but converted at the store's rates (interpret's
# `currency_rates`, INR per unit; DEFAULT_CURRENCY_RATES when none are given), or, for a currency
# without a rate, said to be not understood.
FOREIGN_CURRENCIES: dict[str, str] = {
    "$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD", "buck": "USD", "bucks": "USD",
    "us dollars": "USD", "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "£": "GBP",
    "gbp": "GBP", "pound": "GBP", "pounds": "GBP", "quid": "GBP", "sterling": "GBP",
    # currencies the store has no rate for by default (said to be not understood unless
    # CURRENCY_RATES names them): never rupees, whatever their word for a unit
    "aussie dollars": "AUD", "australian dollars": "AUD", "aud": "AUD",
    "canadian dollars": "CAD", "cad": "CAD", "kiwi dollars": "NZD", "nz dollars": "NZD",
    "nzd": "NZD", "singapore dollars": "SGD", "sgd": "SGD", "hk dollars": "HKD", "hkd": "HKD",
    "dirham": "AED", "dirhams": "AED", "aed": "AED", "riyal": "SAR", "riyals": "SAR", "sar": "SAR",
    "yen": "JPY", "jpy": "JPY", "¥": "JPY", "yuan": "CNY", "rmb": "CNY", "cny": "CNY", "francs": "CHF",
    "swiss francs": "CHF", "chf": "CHF", "ringgit": "MYR", "myr": "MYR", "baht": "THB", "thb": "THB",
    "pesos": "PHP", "peso": "PHP", "taka": "BDT", "rand": "ZAR", "zar": "ZAR", "roubles": "RUB",
    "rubles": "RUB", "lira": "TRY", "pakistani rupees": "PKR", "pkr": "PKR", "sri lankan rupees": "LKR",
    "lkr": "LKR", "nepali rupees": "NPR", "npr": "NPR",
}
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
DEFAULT_CURRENCY_RATES = {"USD": 88.0, "EUR": 102.0, "GBP": 117.0}
# British money words that are a number and a currency at once ("under a tenner").
MONEY_NOUNS = {"tenner": ("£", "10"), "fiver": ("£", "5"), "score": ("£", "20")}
RANGE_JOINERS = frozenset({"and", "to", "-", "–", "till", "until"})
DISCOUNT_WORDS = ("on sale", "sale", "discounted", "discount", "discounts", "on offer", "offer",
                  "offers", "deal", "deals", "on discount", "clearance", "marked down", "reduced",
                  "markdown", "with a discount", "with discount")
PERCENT_OFF = ("off", "discount", "discounted", "percent off", "% off")

# Negation: "not black", "anything but blue", "without stripes", "avoid prints".
NEGATION_CUES = ("not", "no", "non", "without", "w/o", "anything but", "anything except", "except",
                 "except for", "other than", "avoid", "avoiding", "isn't", "isnt", "aren't", "arent",
                 "not in", "don't want", "dont want", "do not want", "don't like", "dont like",
                 "do not like", "no more", "never", "exclude", "excluding", "minus", "but not",
                 "rather than", "instead of", "in place of", "in lieu of", "as opposed to",
                 "nothing", "shouldn't be", "not be", "doesn't have",
                 "does not have", "doesnt have", "don't", "dont", "do not", "neither", "free of",
                 "lose the", "get rid of", "remove the", "ditch the", "skip", "hate", "dislike",
                 # aversions said outright, before the value ("she won't touch black")
                 "can't stand", "cant stand", "cannot stand", "tired of", "sick of", "fed up with",
                 "done with", "not a fan of", "no fan of", "won't touch", "wont touch", "wouldn't touch",
                 "wouldnt touch", "never touch", "won't wear", "wont wear", "wouldn't wear",
                 "wouldnt wear", "can't wear", "cant wear", "cannot wear", "never wears", "never wear",
                 "stay away from", "steer clear of", "allergic to", "enough with",
                 "enough with the", "enough of", "enough of the", "had enough of", "seen enough")
# A shopper changing their mind: the values named before it, of the kind named after it, go.
CORRECTION_CUES = ("actually", "actually no", "no wait", "wait no", "no actually", "i mean", "i meant",
                   "or rather", "scratch that", "on second thought", "on second thoughts", "make that",
                   "correction", "sorry i meant", "no sorry", "or actually", "hmm no", "nah", "no no",
                   "on reflection", "thinking about it",
                   "come to think of it", "changed my mind", "i changed my mind", "let me rephrase",
                   "never mind", "nevermind", "forget that")
# Cues that take back the clause before them when nothing is named right after them ("cheaper.
# actually scratch that, price is fine").
RETRACTION_CUES = frozenset({"scratch that", "actually no", "no actually", "no wait", "wait no", "hmm no",
                             "never mind", "nevermind", "forget that", "on second thought",
                             "on second thoughts", "changed my mind", "i changed my mind"})
# Words that may stand before a product type that is the whole request ("got any socks?", "need a
# belt"), and after it ("shoes for this dress", "sandals please").
ASKING_WORDS = frozenset({"a", "an", "some", "any", "got", "got any", "need", "i need", "want", "i want",
                          "maybe", "also", "and", "now", "show", "me", "show me", "do", "you", "have",
                          "do you have", "please", "pls", "just", "pair of", "a pair of", "pair", "of",
                          "and a", "and some", "plus", "what about", "how about", "looking for", "i", "we",
                          "what", "about", "how", "i'd", "id", "can", "could", "get", "u", "like"})
AFTER_ASKED_TYPE = frozenset({"for", "to", "please", "pls", "that", "which", "in", "with", "like", "too",
                              "as", "under", "below", "from", "by", "?", "!"})
# Words of a question for customer service, or of no shopping at all: with only product types read
# beside them, a request is not understood ("when will my jacket be delivered").
NOT_SHOPPING_WORDS = frozenset({
    "deliver", "delivered", "delivery", "deliveries", "refund", "refunds", "refunded", "return",
    "returns", "returned", "returning", "track", "tracking", "shipped", "shipping", "shipment", "dispatch",
    "dispatched", "cancel", "cancelled", "canceled", "cancellation", "arrived", "invoice", "password",
    "login", "otp", "courier", "parcel", "poem", "joke", "essay", "homework", "recipe", "weather",
    "translate", "lyrics", "stain", "stains", "wash", "washing", "iron", "ironing", "shrink", "shrunk",
    "bleach", "arrive",
})
# How a question for customer service (or about caring for clothes) opens: with a service word it is
# never a request, whatever values it names ("how do I get turmeric stains out of a white kurta").
SERVICE_QUESTIONS = ("how do i", "how to", "how can i", "how should i", "when will", "where is my",
                     "why is my", "why has", "has my", "what time", "can i return", "how long")
# A clause that tells a story (what was bought, worn or owned) rather than asking: its values give
# way to the request's ("I bought a red one last year, want something similar in blue").
STORY_MARKERS = frozenset({"bought", "got", "ordered", "had", "wore", "was", "were", "loved", "used to",
                           "last time", "last year", "last week", "last month", "already have",
                           "already own", "own", "owned", "usually", "normally", "everyone"})
# ... and words that make a clause an ask, whatever else it says.
ASK_MARKERS = frozenset({"want", "need", "please", "pls", "plz", "looking for", "show me", "would like",
                         "i'd like", "something", "anything", "prefer", "give me", "get me", "instead",
                         "rather", "could you", "can you", "do you", "got any", "any", "?"})
# Words before a value the shopper settles on ("ugh fine, keep it black", "stick with navy").
KEEP_CUES = frozenset({"keep it", "keep them", "keep the", "keep", "keeping it", "keeping the", "stick with",
                       "stick to", "sticking with", "stay with", "settle on", "settle for"})
# "no, green": a "no" and a comma correct what came before, they reject nothing.
CORRECTING_NO = frozenset({"no", "nope", "nah", "hmm no"})
# A swap names what goes first: "swap the stripes for checks", "change the black to brown",
# "replace these heels with flats" (the value between the verb and the joiner is lost).
SWAP_VERBS = frozenset({"swap", "swapping", "switch", "switching", "change", "changing", "replace",
                        "replacing", "trade", "exchange", "ditch", "lose"})
SWAP_JOINERS = frozenset({"for", "to", "with", "into", "→"})
PREFER_WORDS = frozenset({"prefer", "prefers", "preferred", "preferring", "i'd prefer", "rather have"})
# Joiners inside a negated list: "not black or navy", "no stripes, checks or prints".
# "a 6 year old", "my 4yo": up to this age a shopper's child wears kids' sizes.
AGE_WORDS = frozenset({("year", "old"), ("years", "old"), ("yr", "old"), ("yrs", "old"), ("yo",),
                       ("year", "olds"), ("month", "old"), ("months", "old")})
CHILD_AGE_MAX = 13
# Emoji that say yes or no about what they sit beside: before a value a rejection emoji reads as
# "no" ("🚫 navy"); after one it is a rejection mark ("navy ❌ white ✅"), read by
# Reader._postfix_rejections as POSTFIX_MARK.
REJECTION_EMOJI = frozenset("❌🚫👎🙅⛔✖🤮🤢")
APPROVAL_EMOJI = frozenset("✅👍✔😍❤🔥💯")
POSTFIX_MARK = "✗"
# Words after a value that reject it when nothing but thanks follows before the clause ends:
# "navy? no thanks", "stripes - pass", "navy?? nope nope".
POSTFIX_REJECTIONS = frozenset({"no", "nope", "nah", "no thanks", "no thank you", "no way", "pass",
                                "hard pass", "never again", "no chance", "yuck", "ew", "eww", "ugh",
                                "is out", "'s out", "s out", "is a no", "is a no go", "is a nope",
                                "won't cut it", "wont cut it", "is a crime", "would be a crime", "never",
                                "never ever", "not a chance", "absolutely not", "hell no", "not for me",
                                "not my thing", "not my style", "not my colour", "not my color"})
POSTFIX_GAP = frozenset({"?", ",", "-", "–", ":", ".", "!"})  # between the value and the word
POSTFIX_TAIL = frozenset({"thanks", "thank", "you", "please", "pls", "mate", "lol", "!", "?", ".",
                          *POSTFIX_REJECTIONS})
NEGATION_JOINERS = frozenset({"or", "nor", "and", ",", "/", "&"})
# Words that end a negation's list: what follows is wanted ("no heels, I want flat ones").
NEGATION_BREAKERS = frozenset({"want", "wants", "prefer", "need", "needs", "but", "rather", "instead",
                               "please", "looking", "like", "love", "go", "so", "something"})

# Brands: cue words before or after the brand ("from Puma", "by Nike", "Nike brand").
BRAND_BEFORE = ("from", "by", "brand", "made by", "the brand", "of the brand", "branded", "label",
                "from brand", "from the brand", "by brand")
BRAND_AFTER = ("brand", "brands", "make", "makes", "made", "label", "branded")
# Aliases of catalog brand names (only used when the catalog has the brand).
BRAND_ALIASES: dict[str, tuple[str, ...]] = {
    "ADIDAS": ("adidas", "addidas", "adiddas"), "ADIDAS Originals": ("adidas originals",),
    "U.S. Polo Assn.": ("us polo", "us polo assn", "u s polo", "uspa", "us polo association",
                        "u.s. polo", "u.s polo"),
    "United Colors of Benetton": ("benetton", "ucb", "united colours of benetton"),
    "Levis": ("levi", "levi's", "levi strauss"), "Levis Kids": ("levis kids", "levi kids"),
    "Louis Philippe": ("louis phillipe",), "Van Heusen": ("vanheusen",), "CASIO": ("casio",),
    "DAVID BECKHAM": ("beckham",), "Tom & Jerry": ("tom and jerry",), "Reid & Taylor": ("reid and taylor",),
    "Mr. Men": ("mr men",), "s.Oliver": ("s oliver", "soliver"),
}
# "same brand", "different colour": field words.
SAME_WORDS = ("same", "identical", "matching")
DIFFERENT_WORDS = ("different", "another", "other", "new", "some other", "a different")
# "a different print/logo": another motif, not another kind of pattern.
MOTIF_WORDS = frozenset({"print", "prints", "graphic", "graphics", "design", "designs", "logo", "logos",
                         "art", "picture", "image", "motif", "motifs", "writing", "text", "words", "slogan"})
FIELD_WORDS: dict[str, str] = {
    "colour": "base_colour", "color": "base_colour", "colours": "base_colour", "colors": "base_colour",
    "shade": "base_colour", "brand": "brand", "brands": "brand", "make": "brand", "label": "brand",
    "makes": "brand", "labels": "brand", "company": "brand", "companies": "brand", "manufacturer": "brand",
    "pattern": "Pattern", "print": "Pattern", "fit": "Fit", "fabric": "Fabric", "material": "Material",
    "sleeves": "Sleeve Length", "sleeve": "Sleeve Length", "neck": "Neck", "neckline": "Neck",
}
# "more"/"less" before an occasion or style word ("less formal", "more casual").
MORE_WORDS = frozenset({"more", "extra", "much more", "bit more", "little more", "even more"})
LESS_WORDS = frozenset({"less", "not so", "not as", "not too", "bit less", "little less", "fewer",
                        "but not so", "but not too", "but not as", "not that", "but less",
                        "too", "way too", "a bit too", "bit too", "too much"})  # "too tight": less tight
# Clause boundaries: negation scope and colour modifiers stop here.
BOUNDARIES = frozenset({".", ";", "!", "?", ":", "but", "however", "though", "although", "also",
                        "then"})

# Person nouns that name an audience only after "for" or as a possessive ("for my son", "a girl's
# dress"); bare, they are usually a print ("has a girl on it").
AUDIENCE_NEEDS_CUE = frozenset({
    "woman", "lady", "man", "guy", "kid", "child", "baby", "boy", "girl", "son", "daughter", "mother",
    "father", "sister", "brother", "wife", "husband", "girlfriend", "boyfriend", "mom", "dad", "toddler",
    "infant", "adult", "junior", "female", "male", "nan", "nana", "nanna", "gran", "granny", "grandma",
    "grandmother", "grandmom", "nani", "dadi", "aunt", "auntie", "aunty", "missus", "missis", "mrs", "wifey",
    "mum", "mummy", "mommy", "mama", "mam", "stepmom", "stepmum", "stepmother", "law", "fiancee", "gf",
    "bride",
    "bridesmaid", "sis", "lass", "grandpa", "grandad", "granddad", "grandfather", "gramps", "grandpop",
    "uncle", "hubby", "bf", "daddy", "papa", "pops", "stepdad", "stepfather", "fiance", "groom", "groomsman",
    "bro", "dude", "gentleman", "grandson", "nephew", "lad", "granddaughter", "niece", "one", "newborn",
    "tween", "grandkid", "grandchild", "friend", "hubs", "fella", "fellah", "bloke", "stepson",
    "stepdaughter", "kiddo", "kiddos", "kiddies", "tot", "tots", "twins", "nipper", "munchkin",
    "mil", "sil", "fil", "bil", "godson", "goddaughter", "partner", "bestie", "bff", "colleague", "boss",
    "coworker", "flatmate", "roommate", "housemate",
})
# Kin words and nicknames that name a person to buy for even without "for": "the missus", "your
# mum", "mum needs a new one". Generic person words ("girl", "man") stay cue-bound: they are often a print.
KIN_WORDS = AUDIENCE_NEEDS_CUE - frozenset({
    "woman", "lady", "man", "guy", "kid", "child", "baby", "boy", "girl", "toddler", "infant", "adult",
    "junior", "female", "male", "law", "one", "friend", "gentleman", "dude", "bride", "groom", "groomsman",
    "bridesmaid", "lad", "lass", "newborn", "tween", "partner", "bestie", "bff", "colleague", "boss",
    "coworker", "flatmate", "roommate", "housemate",
})
# Pronouns that say a person's gender once a person is named ("for my partner, she loves blue").
PERSON_PRONOUNS = {"she": "her", "she's": "her", "shes": "her", "her": "her", "he": "him", "he's": "him",
                   "hes": "him", "him": "him", "his": "him"}
KIN_DETERMINERS = frozenset({"the", "your", "his", "her", "their", "our", "my"})
# A person followed by one of these gives an opinion, not who the item is for: "my wife says i
# dress like a grandad", "mum thinks it's too bright" (the shopper still shops for themself).
SPEAKER_VERBS = frozenset({"says", "said", "thinks", "thought", "reckons", "reckoned", "told", "tells",
                           "keeps", "insists", "insisted", "complains", "complained", "jokes", "joked",
                           "wants me", "wanted me", "asked me", "asks me", "made me", "makes me",
                           "laughed", "laughs", "hates it when", "teases", "teased"})
# Product-type words that are also verbs: after a subject or a modal, or before "up", "down" or a
# person, they are the verb ("i dress like a grandad", "navy doesn't suit me", "dress me up").
VERBAL_TYPE_WORDS = frozenset({"dress", "suit", "suits", "tie", "ties", "sweat"})
VERB_LEADERS = frozenset({"i", "you", "we", "they", "he", "she", "to", "will", "would", "can", "could",
                          "should", "must", "don't", "doesn't", "didn't", "never", "always", "usually",
                          "i'll", "gotta", "wanna", "might", "may", "won't", "wouldn't", "does", "do"})
# Occasion words that are also verbs ("navy doesn't work for me", "that works"), and what may be
# their subject besides a pronoun (VERB_LEADERS).
VERBAL_OCCASION_WORDS = frozenset({"work", "works"})
OCCASION_VERB_SUBJECTS = frozenset({"that", "it", "this", "which", "that'd", "it'd", "thatd", "itd",
                                    "that'll", "it'll", "colour", "color", "one", "ones", "they'd",
                                    "also", "just", "really", "not", "doesnt", "dont", "wont", "might"})
VERB_FOLLOWERS = frozenset({"up", "down", "me", "you", "him", "us", "them", "myself", "yourself",
                            "at", "around", "behind"})  # "ties at the waist", "ties behind the neck"
# Body measures a number is a size of: "a 36 waist", "46 collar", "chest 40".
SIZE_MEASURES = frozenset({"waist", "collar", "chest", "neck", "bust", "inch waist", "waist size",
                           "collar size", "chest size"})
# Words that add nothing to what a request asks ("small please").
POLITE_WORDS = frozenset({"please", "pls", "plz", "pleease", "thanks", "thank you", "ta", "cheers", "thx"})
AUDIENCE_CUES = frozenset({"for", "for a", "for an", "for my", "for the", "for your", "for our", "for his",
                           "for her", "meant for", "made for", "suitable for"})

# Catalog attribute values too generic to be read from a shopper's word on their own ("Regular",
# "Other"); keys whose values the lexicon reads otherwise (Occasion is read as usage).
GENERIC_ATTRIBUTE_VALUES = frozenset({
    "regular", "other", "others", "fabric", "textile", "basic", "everyday", "daily", "sports", "casual",
    "formal", "shirt", "short", "long", "hybrid", "work", "party", "outdoor", "semiformal", "smart casual",
    "spray", "perfume", "sandals", "pouch", "fitted", "patterned", "na", "none", "regular sleeves",
    "regular shorts", "formal trousers", "other sunglasses", "straight", "curved", "dyed", "bikini",
    "shoe liners", "styled back", "shirt style", "empire", "tank", "tube", "button", "zip",
})
SKIP_AUTO_KEYS = frozenset({"Occasion"})

# ----------------------------------------------------------------------------- sizes
# Letter sizes and their words -> the catalog's labels. One letter ("m") needs a cue ("in m",
# "size m"); two letters and more ("xl") do not.
SIZE_WORDS: dict[str, str] = {
    "xxs": "XXS", "xs": "XS", "s": "S", "m": "M", "l": "L", "xl": "XL", "xxl": "XXL", "xxxl": "XXXL",
    "2xl": "XXL", "3xl": "XXXL", "small": "S", "medium": "M", "large": "L", "extra small": "XS",
    "extra large": "XL", "x large": "XL", "xx large": "XXL", "extra extra large": "XXL", "double xl": "XXL",
    "one size": "Onesize", "onesize": "Onesize", "free size": "Free Size", "xxxxl": "XXXXL", "4xl": "XXXXL",
    "triple xl": "XXXL", "extra extra extra large": "XXXL",
}
# Words before "a" + a spelled-out size that make it the shopper's size ("i'm a medium", "my usual
# is a large", "i wear a small"); "is" needs the "a" ("this is large" describes the fit).
WORN_SIZE_CUES = frozenset({"i'm", "im", "am", "wear", "usually", "normally", "take", "is", "he's",
                            "she's", "hes", "shes"})
AFTER_WORN_SIZE = frozenset({"", ",", ".", "!", "?", ";", "please", "pls", "and", "but", "so", "size",
                             "though", "usually", "normally", "in", "or"})
# The catalog spells some letter sizes two ways.
SIZE_LABEL_ALIASES = {"XXL": ("2XL",), "XXXL": ("3XL",), "XXXXL": ("4XL",), "XXS": ("2XS",)}
SIZE_SYSTEMS = {"uk": "UK", "eu": "EURO", "euro": "EURO", "eur": "EURO", "us": "US"}
SIZE_NUMBER_MAX = 60.0  # "in 42" is a size; "in 800" is not
