# -*- coding: utf-8 -*-
"""Dev half: request texts written by hand. References come from train/val (see build.py)."""
from common import *
from build import R

M = {"gender": "Men", "age_group": "Adults-Men"}
W = {"gender": "Women", "age_group": "Adults-Women"}


def S(base, **kw):
    d = dict(base)
    d.update(kw)
    return d


ROWS = []
A = ROWS.append

# ------------------------------------------------------------------ indirect_negation
T = "indirect_negation"
A(R(T, "black tees just wash me out tbh, got anything else like this?",
    KEEP3() + [NOTCOL("black")], S(M, article_type="Tshirts", base_colour="Black")))
A(R(T, "checks make me look like a picnic blanket lol. same kind of shirt otherwise",
    KEEP3() + [["Pattern", "not_in", ["Checked"]]], S(M, article_type="Shirts", Pattern="Checked")))
A(R(T, "sleeveless really doesn't suit my arms",
    KEEP3() + [["Sleeve Length", "not_in", ["Sleeveless", "No Sleeves"]]],
    S(W, article_type="Tops", **{"Sleeve Length": ["Sleeveless", "No Sleeves"]})))
A(R(T, "I'm so over brown shoes. these in literally any other colour",
    KEEP3() + [NOTCOL("brown")], S(M, article_type="Casual Shoes", base_colour=fam("brown"))))
A(R(T, "gold? pass. like the look of it tho",
    KEEP3() + [NOTCOL("gold")], S(W, article_type="Watches", base_colour="Gold")))
A(R(T, "skinny fits and my calves have never been friends",
    KEEP3() + [["Fit", "not_in", ["Skinny Fit"]]], {"article_type": "Jeans", "Fit": "Skinny Fit",
                                                     "age_group": ["Adults-Men", "Adults-Women"]}))
A(R(T, "anything but red for this one, I wore enough red at my sister's wedding to last a lifetime",
    KEEP3() + [NOTCOL("red")], S(W, article_type="Kurtas", base_colour=fam("red"))))
A(R(T, "collars on a tee feel like school uniform to me.. similar one minus that",
    KEEP3() + [["Neck", "not_in", ["Polo Collar"]]], S(M, article_type="Tshirts", Neck="Polo Collar")))
A(R(T, "I own enough black bags to open a shop. other colours?",
    KEEP3() + [NOTCOL("black")], S(W, article_type="Handbags", base_colour="Black")))
A(R(T, "half sleeve shirts make me look about twelve. something similar?",
    KEEP3() + [["Sleeve Length", "not_in", ["Short Sleeves"]]],
    S(M, article_type="Shirts", **{"Sleeve Length": "Short Sleeves"})))

# ------------------------------------------------------------------ idiom
T = "idiom"
A(R(T, "landed a white-collar job finally! need a version of this I can wear to the office",
    KEEP3() + [["usage", "in", ["Formal"]]], S(M, article_type="Shirts", usage="Casual")))
A(R(T, "tightening my belt this month, so a cheaper pair of these please",
    KEEP3() + [["price", "lt_ref"]], S(M, article_type="Trousers", price_gt=1000)))
A(R(T, "green with envy over my bro's navy one. want it in navy",
    KEEP3() + [COL("navy")], S(M, article_type="Tshirts")))
A(R(T, "it's a grey area whether stripes suit me, so let's just go plain",
    KEEP3() + [["Pattern", "in", ["Solid"]], ["Pattern", "not_in", ["Striped"]]],
    S(W, article_type="Tops", Pattern="Striped")))
A(R(T, "i wear ethnic once in a blue moon so don't want to spend much, under 700",
    KEEP3() + [under(700)], S(W, article_type="Kurtas")))
A(R(T, "bank account is deep in the red after wedding season.. something cheaper",
    KEEP3() + [["price", "lt_ref"]], S(M, article_type="Casual Shoes", price_gt=1500)))
A(R(T, "getting hot under the collar in this Chennai heat, half sleeves pls, full sleeves are torture",
    KEEP3() + [["Sleeve Length", "in", ["Short Sleeves"]], ["Sleeve Length", "not_in", ["Long Sleeves"]]],
    S(M, article_type="Shirts", **{"Sleeve Length": "Long Sleeves"})))
A(R(T, "tickled pink with this one but I'd want it in silver",
    KEEP3() + [COL("silver")], S(W, article_type="Watches")))
A(R(T, "black heels are the black sheep of my shoe rack, never get worn. beige ones?",
    KEEP3() + [COL("beige"), NOTCOL("black")], S(W, article_type="Heels", base_colour="Black")))
A(R(T, "feeling a bit blue about my bank balance, anything under 1000 like these?",
    KEEP3() + [under(1000)], S(M, article_type="Jeans")))

# ------------------------------------------------------------------ contradiction_hedge
T = "contradiction_hedge"
A(R(T, "red... no wait, green. definitely green",
    KEEP3() + [COL("green"), NOTCOL("red")], S(M, article_type="Tshirts"), lax=[4]))
A(R(T, "want it cheaper. actually scratch that, price is fine, just need it slim fit, regular cut looks boxy on me",
    KEEP3() + [["Fit", "in", ["Slim Fit"]], ["Fit", "not_in", ["Regular Fit"]]], S(M, article_type="Shirts", Fit="Regular Fit")))
A(R(T, "stripes? hmm no, too busy. plain one",
    KEEP3() + [["Pattern", "in", ["Solid"]], ["Pattern", "not_in", ["Striped"]]],
    S(W, article_type="Tops", Pattern=["Striped", "Printed"]), lax=[4]))
A(R(T, "was gonna get a men's one for myself but nah keep it ladies, just cheaper",
    KEEP3() + [["price", "lt_ref"]], S(W, article_type="Watches", price_gt=3000)))
A(R(T, "black is so boring.. though it goes with everything. ugh fine, keep it black but cheaper",
    KEEP3() + [["base_colour", "keep"], ["price", "lt_ref"]],
    S(W, article_type="Heels", base_colour="Black", price_gt=1200)))
A(R(T, "was going to ask for a hoodie but actually a normal sweatshirt in grey is what I want",
    KEEP3() + [COL("grey")], S(M, article_type="Sweatshirts")))
A(R(T, "short kurti maybe? actually no, this length is fine. colour-wise pink's out, green please",
    KEEP3() + [COL("green"), NOTCOL("pink")], S(W, article_type="Kurtas"), lax=[4]))
A(R(T, "slim fit I think? or regular. yeah regular, my thighs have spoken",
    KEEP3() + [["Fit", "in", ["Regular Fit"]], ["Fit", "not_in", ["Slim Fit"]]],
    S(M, article_type="Jeans", Fit="Slim Fit")))
A(R(T, "under 1000? or 1500. ok 1500 max",
    KEEP3() + [up_to(1500)], {"article_type": "Backpacks", "gender": "Unisex", "price_gt": 1500}))
A(R(T, "I'd say navy but then I have navy everything... fine, navy it is",
    KEEP3() + [COL("navy")], S(M, article_type="Sweaters")))

# ------------------------------------------------------------------ casual_recipient
T = "casual_recipient"
A(R(T, "one like this for the missus? she won't touch black though", FOR_ADULT("Women") + [NOTCOL("black")],
    S(M, article_type="Tshirts"), lax=[3]))
A(R(T, "something like this for hubby pls", FOR_ADULT("Men"), S(W, article_type="Watches")))
A(R(T, "my lil one is 6, same kinda shoes for her?", FOR_KID("girl"), S(M, article_type="Casual Shoes")))
A(R(T, "need one for my dad, he keeps stealing mine", FOR_ADULT("Men"), S(W, article_type="Sunglasses")))
A(R(T, "for my nephew, he's turning 8 next week", FOR_KID("boy"), S(M, article_type="Tshirts")))
A(R(T, "gran is always freezing, one like this for her? she says grey is for old people lol",
    FOR_ADULT("Women") + [NOTCOL("grey")], S(M, article_type="Sweaters"), lax=[3]))
A(R(T, "bf wants the exact same vibe but guys' version", FOR_ADULT("Men"), S(W, article_type="Jeans")))
A(R(T, "gift for bhabhi, something like this", FOR_ADULT("Women"), S(M, article_type="Wallets")))
A(R(T, "for my daughter, she's 5 and obsessed with copying me", FOR_KID("girl"), S(W, article_type="Tops")))
A(R(T, "need one for my girlfriend, she keeps borrowing mine", FOR_ADULT("Women"), S(M, article_type="Belts")))

# ------------------------------------------------------------------ occasion_place
T = "occasion_place"
A(R(T, "need to look sharp for a job interview at a bank",
    KEEP3() + [["usage", "in", ["Formal"]]], S(M, article_type="Shirts", usage="Casual")))
A(R(T, "something I can sweat in at crossfit",
    KEEP3() + [["usage", "in", ["Sports"]]], S(M, article_type="Tshirts", usage="Casual")))
A(R(T, "got a court hearing monday morning, need something proper",
    KEEP3() + [["usage", "in", ["Formal"]]], S(M, article_type="Trousers", usage="Casual")))
A(R(T, "to wear with my charcoal suit at the board meeting, brown would clash",
    KEEP3() + [["usage", "in", ["Formal"]], NOTCOL("brown")], S(M, article_type="Belts", usage="Casual"), lax=[4]))
A(R(T, "need something to run the Mumbai marathon in, these casual ones won't cut it",
    TO_TYPE("Sports Shoes") + [["article_type", "not_in", ["Casual Shoes"]]], S(M, article_type="Casual Shoes")))
A(R(T, "for Diwali puja at my in-laws",
    [["article_type", "in", ["Tops", "Kurtas", "Kurtis", "Tunics"]], ["gender", "keep"], ["age_group", "keep"],
     ["usage", "in", ["Ethnic"]]], S(W, article_type="Tops", usage="Casual"), lax=[0]))
A(R(T, "for football practice on saturdays",
    KEEP3() + [["usage", "in", ["Sports"]]], S(M, article_type="Shorts", usage="Casual")))
A(R(T, "to go under my formal shoes at the office",
    KEEP3() + [["usage", "in", ["Formal"]]], S(M, article_type="Socks", usage=["Casual", "Sports"])))
A(R(T, "for my early morning runs by the lake",
    KEEP3() + [["usage", "in", ["Sports"]]], S(M, article_type="Jackets", usage="Casual")))
A(R(T, "one I can pull out at client meetings without embarrassment",
    KEEP3() + [["usage", "in", ["Formal"]]], S(M, article_type="Wallets", usage="Casual")))

# ------------------------------------------------------------------ slang
T = "slang"
A(R(T, "got any trainers with this kind of look?",
    TO_TYPE("Sports Shoes"), S(M, article_type="Formal Shoes")))
A(R(T, "mate, after a jumper in this sort of style for winter",
    TO_TYPE("Sweaters"), S(M, article_type="Tshirts")))
A(R(T, "any thongs for the beach? aussie here haha",
    TO_TYPE("Flip Flops"), S(M, article_type="Casual Shoes")))
A(R(T, "need trackies to go for a jog, too nippy for shorts now",
    TO_TYPE("Track Pants") + [["article_type", "not_in", ["Shorts"]]], S(M, article_type="Shorts")))
A(R(T, "plain white banian type, for under my shirts",
    TO_TYPE("Innerwear Vests") + [COL("white")], S(M, article_type="Tshirts")))
A(R(T, "kurti types for college like this colour vibe",
    TO_TYPE("Kurtis", "Kurtas"), S(W, article_type="Tops")))
A(R(T, "denims pls, done with formal pants", TO_TYPE("Jeans") + [["article_type", "not_in", ["Trousers"]]],
    S(M, article_type="Trousers")))
A(R(T, "just normal hawai chappal types for home",
    TO_TYPE("Flip Flops"), S(M, article_type="Sandals")))
A(R(T, "a windcheater in this sort of colour?",
    TO_TYPE("Jackets"), S(M, article_type="Sweaters")))
A(R(T, "sliders for after the gym",
    TO_TYPE("Flip Flops", "Sandals"), S(M, article_type="Sports Shoes")))

# ------------------------------------------------------------------ size
T = "size"
A(R(T, "46 please, broad shoulders runs in the family",
    KEEP3() + [["size", "in", ["46"]]], S(M, article_type="Shirts")))
A(R(T, "do u have it in 2XL", KEEP3() + [["size", "in", ["XXL", "2XL"]]], S(M, article_type="Tshirts")))
A(R(T, "I'm a 36 waist", KEEP3() + [["size", "in", ["36"]]], S(M, article_type="Jeans")))
A(R(T, "UK 11 available?", KEEP3() + [["size", "in", ["UK11"]]], S(M, article_type="Casual Shoes")))
A(R(T, "need these in EU 41", KEEP3() + [["size", "in", ["EURO41"]]], S(W, article_type="Heels")))
A(R(T, "extra small pls, I'm tiny", KEEP3() + [["size", "in", ["XS"]]], S(W, article_type="Kurtas")))
A(R(T, "I wear a US 13", KEEP3() + [["size", "in", ["UK12"]]], S(M, article_type="Sports Shoes")))
A(R(T, "my waist is 28 inches, anything like this?", KEEP3() + [["size", "in", ["28"]]],
    S(M, article_type="Trousers")))
A(R(T, "XXL?", KEEP3() + [["size", "in", ["XXL"]]], S(W, article_type="Tops")))
A(R(T, "small size in this style", KEEP3() + [["size", "in", ["S"]]], S(M, article_type="Sweaters")))

# ------------------------------------------------------------------ currency
T = "currency"
A(R(T, "under 30 bucks?", KEEP3() + [under(fx(30, "USD"))], S(M, article_type="Casual Shoes")))
A(R(T, "max 50 quid", KEEP3() + [up_to(fx(50, "GBP"))], S(M, article_type="Watches")))
A(R(T, "under €15 please", KEEP3() + [under(fx(15, "EUR"))], S(W, article_type="Handbags")))
A(R(T, "anything under 500 rs", KEEP3() + [under(500)], S(M, article_type="Tshirts")))
A(R(T, "1.5k max", KEEP3() + [up_to(1500)], S(M, article_type="Jeans")))
A(R(T, "something between 20 and 30 dollars",
    KEEP3() + [["price", "gt", fx(20, "USD") - 1], up_to(fx(30, "USD"))], S(W, article_type="Sunglasses"), lax=[3, 4]))
A(R(T, "no more than a tenner", KEEP3() + [up_to(fx(10, "GBP"))], S(M, article_type="Shirts")))
A(R(T, "below ₹999", KEEP3() + [under(999)], S(W, article_type="Heels")))
A(R(T, "happy to spend over 5k, want a premium pair", KEEP3() + [["price", "gt", 5000]],
    S(M, article_type="Sports Shoes")))
A(R(T, "under $10 if possible", KEEP3() + [under(fx(10, "USD"))], S(W, article_type="Kurtas")))

# ------------------------------------------------------------------ emphasis
T = "emphasis"
A(R(T, "in navyyyy plsss 🙏🙏", KEEP3() + [COL("navy")], S(M, article_type="Tshirts")))
A(R(T, "NO CHECKS!!!! 😤", KEEP3() + [["Pattern", "not_in", ["Checked"]]],
    S(M, article_type="Shirts", Pattern="Checked")))
A(R(T, "sooooo need this in black 🖤🖤🖤", KEEP3() + [COL("black")], S(W, article_type="Tops")))
A(R(T, "CHEAPER!!! 💸💸", KEEP3() + [["price", "lt_ref"]], S(M, article_type="Casual Shoes", price_gt=1500)))
A(R(T, "WHITE one??? had enough of black ⌚⌚", KEEP3() + [COL("white"), NOTCOL("black")],
    S(M, article_type="Watches", base_colour="Black")))
A(R(T, "plain plain PLAIN, no prints 🙅", KEEP3() + [["Pattern", "in", ["Solid"]], ["Pattern", "not_in", ["Printed"]]],
    S(M, article_type="Sweatshirts", Pattern="Printed")))
A(R(T, "reddddd 💃💃 bye bye black", KEEP3() + [COL("red"), NOTCOL("black")],
    S(W, article_type="Heels", base_colour="Black")))
A(R(T, "MID RISE!!!!! 🙏", KEEP3() + [["Waist Rise", "in", ["Mid-Rise"]]], S(W, article_type="Jeans")))
A(R(T, "pinkkkk 💕💕💕 pretty please", KEEP3() + [COL("pink")], S(W, article_type="Kurtas")))
A(R(T, "blackkk!!! enough blue!!!", KEEP3() + [COL("black"), NOTCOL("blue")],
    S(M, article_type="Flip Flops", base_colour=fam("blue"))))

# ------------------------------------------------------------------ long_chatty
T = "long_chatty"
A(R(T, "Hi! So I just got my first proper job at a CA firm in Pune and my mom has been on my case "
       "about dressing like a college kid. I like this shirt but I need stuff I can actually wear to work. "
       "Also I already own like four striped ones so please something else.",
    KEEP3() + [["usage", "in", ["Formal"]], ["Pattern", "not_in", ["Striped"]]],
    S(M, article_type="Shirts", usage="Casual", Pattern="Striped")))
A(R(T, "okay long story but my roommate spilled chai all over my favourite top and it's ruined. "
       "this is close to what I had, but mine was black and honestly I can't spend more than 1000 "
       "on a replacement right now",
    KEEP3() + [COL("black"), up_to(1000)], S(W, article_type="Tops", price_gt=1000)))
A(R(T, "My dad turns 60 next month and he's been wearing the same pair of shoes since I was in school. "
       "He'd like something like these but he only wears brown, he says black is for funerals. "
       "He's a UK 9.",
    KEEP3() + [COL("brown"), ["size", "in", ["UK9"]], NOTCOL("black")],
    S(M, article_type="Casual Shoes", sizes_lacks=["UK9"]), lax=[5]))
A(R(T, "Buying for my mother, she's very particular. She liked the cut of this kurta when she saw it on my "
       "cousin but she'll only wear blue shades, and she'll scold me if I spend too much, so cheaper than "
       "this one if you can",
    KEEP3() + [COL("blue"), ["price", "lt_ref"]], S(W, article_type="Kurtas", price_gt=900)))
A(R(T, "so my old watch finally died after 8 years (RIP) and I've been browsing for ages. this one's nice "
       "but I really want a black one this time and my budget is 5000 tops",
    KEEP3() + [COL("black"), up_to(5000)], S(M, article_type="Watches", price_gt=5000)))
A(R(T, "I've been trying on jeans for three weekends now and I'm losing my mind. Everything skinny makes me "
       "feel like a sausage. I want something that doesn't sit so low, mid rise, and not skinny",
    KEEP3() + [["Waist Rise", "in", ["Mid-Rise"]], ["Fit", "not_in", ["Skinny Fit"]]],
    S(W, article_type="Jeans", Fit="Skinny Fit")))
A(R(T, "Going to Goa with the girls next month!! first trip without parents lol. I love these but "
       "they're way out of my budget, anything cheaper that looks similar??",
    KEEP3() + [["price", "lt_ref"]], S(W, article_type="Sunglasses", price_gt=2000)))
A(R(T, "My wife's birthday is coming up and I have no idea what I'm doing. Her sister said she wants a "
       "bag like this one. She mostly wears earthy colours so brown would be good, nothing bright "
       "like pink. I'd like to keep it under 2000 if that's possible",
    KEEP3() + [COL("brown"), under(2000), NOTCOL("pink")], S(W, article_type="Handbags", price_gt=2000),
    lax=[5]))
A(R(T, "My son (he's 7) saw his cousin wearing a tee like this and now he won't stop talking about it. "
       "Do you have something similar in kids sizes? He loves the printed ones with cartoons if that helps",
    FOR_KID("boy") + [["Pattern", "in", ["Printed"]]], S(M, article_type="Tshirts", Pattern=["Solid", "Striped"])))
A(R(T, "Starting engineering in August and the hostel senior said get a sturdy bag for laptop and books. "
       "This looks alright but I'd rather black, nothing flashy like red or orange, and cheaper would "
       "help, fees are killing us",
    KEEP3() + [COL("black"), ["price", "lt_ref"], NOTCOL("red", "orange")], {"article_type": "Backpacks", "gender": "Unisex",
                                                    "price_gt": 1200}, lax=[5]))

# ------------------------------------------------------------------ swap
T = "swap"
A(R(T, "checks instead of stripes", KEEP3() + [["Pattern", "in", ["Checked"]], ["Pattern", "not_in", ["Striped"]]],
    S(M, article_type="Shirts", Pattern="Striped")))
A(R(T, "full sleeves, not half", KEEP3() + [["Sleeve Length", "in", ["Long Sleeves"]],
                                          ["Sleeve Length", "not_in", ["Short Sleeves"]]],
    S(M, article_type="Tshirts", **{"Sleeve Length": "Short Sleeves"})))
A(R(T, "shorts rather than full length trousers",
    TO_TYPE("Shorts") + [["article_type", "not_in", ["Trousers"]]], S(M, article_type="Trousers")))
A(R(T, "trade the black for white", KEEP3() + [COL("white"), NOTCOL("black")],
    S(M, article_type="Casual Shoes", base_colour="Black")))
A(R(T, "black instead of the silver", KEEP3() + [COL("black"), NOTCOL("silver")],
    S(M, article_type="Watches", base_colour=fam("silver"))))
A(R(T, "flats in place of heels, my feet are done",
    TO_TYPE("Flats") + [["article_type", "not_in", ["Heels"]]], S(W, article_type="Heels")))
A(R(T, "v-neck instead of the round neck", KEEP3() + [["Neck", "in", ["V-Neck"]], ["Neck", "not_in", ["Round Neck"]]],
    S(W, article_type="Tops", Neck="Round Neck")))
A(R(T, "a plain one instead of the printed", KEEP3() + [["Pattern", "in", ["Solid"]], ["Pattern", "not_in", ["Printed"]]],
    S(M, article_type="Sweatshirts", Pattern="Printed")))
A(R(T, "mid rise not low rise", KEEP3() + [["Waist Rise", "in", ["Mid-Rise"]], ["Waist Rise", "not_in", ["Low-Rise"]]],
    {"article_type": "Jeans", "Waist Rise": "Low-Rise", "age_group": ["Adults-Men", "Adults-Women"]}))
A(R(T, "swap the pink for navy blue", KEEP3() + [COL("navy"), NOTCOL("pink")],
    S(W, article_type="Kurtas", base_colour=fam("pink"))))

# ------------------------------------------------------------------ companion
T = "companion"
A(R(T, "matching trousers for this", TO_TYPE("Trousers"), S(M, article_type="Shirts")))
A(R(T, "a belt for these, anything but brown", TO_TYPE("Belts") + [NOTCOL("brown")], S(M, article_type="Jeans"),
    lax=[3]))
A(R(T, "socks to go with, white socks with these would be a crime", TO_TYPE("Socks") + [NOTCOL("white")],
    S(M, article_type="Formal Shoes"), lax=[3]))
A(R(T, "a tie to go with this shirt", TO_TYPE("Ties"), S(M, article_type="Shirts", usage="Formal")))
A(R(T, "bag to go with these heels", TO_TYPE("Handbags", "Clutches"), S(W, article_type="Heels")))
A(R(T, "shoes for this dress?", TO_TYPE("Heels", "Flats", "Casual Shoes", "Sandals", "Flip Flops"),
    S(W, article_type="Dresses")))
A(R(T, "shorts to pair with this tee", TO_TYPE("Shorts"), S(M, article_type="Tshirts")))
A(R(T, "leggings or churidar to wear under this",
    TO_TYPE("Leggings", "Churidar"),
    S(W, article_type="Kurtas")))
A(R(T, "a cap for my runs, to go with these",
    [["article_type", "in", ["Caps"]], ["gender", "in", ["Men", "Unisex"]], ["age_group", "in", ["Adults-Men", "Adults-Unisex"]]],
    S(M, article_type="Sports Shoes")))
A(R(T, "cufflinks to match this watch", TO_TYPE("Cufflinks"), S(M, article_type="Watches")))

# ------------------------------------------------------------------ off_topic
T = "off_topic"
NU = [["flag", "not_understood"]]
for txt, spec in [
    ("asdfghjkl", S(M, article_type="Tshirts")),
    ("🤔🤔🤔", S(W, article_type="Handbags")),
    ("who won the ipl final last year", S(M, article_type="Sports Shoes")),
    ("can u help me with my maths homework", S(W, article_type="Tops")),
    ("qwerty uiop lol", S(M, article_type="Belts")),
    ("what's the weather in pune tomorrow", S(W, article_type="Sunglasses")),
    ("🍕🍕", S(M, article_type="Shirts")),
    ("tell me a joke", S(W, article_type="Flats")),
    ("how do I reset my wifi router", S(M, article_type="Wallets")),
    ("lorem ipsum dolor sit amet", S(W, article_type="Kurtas")),
]:
    A(R(T, txt, NU, spec))
