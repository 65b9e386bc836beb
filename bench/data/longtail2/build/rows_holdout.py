# -*- coding: utf-8 -*-
"""Holdout half: request texts written by hand, with different wording, slang, idioms, stories,
names and amounts than the dev half. References come from the test split only (see build.py)."""
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
A(R(T, "stripes and me go way back but we broke up. same shirt minus those",
    KEEP3() + [["Pattern", "not_in", ["Striped"]]], S(M, article_type="Shirts", Pattern="Striped")))
A(R(T, "white tee + me + biryani = disaster every time. something similar?",
    KEEP3() + [NOTCOL("white")], S(M, article_type="Tshirts", base_colour=fam("white"))))
A(R(T, "brown heels? I'd rather go barefoot tbh",
    KEEP3() + [NOTCOL("brown")], S(W, article_type="Heels", base_colour=fam("brown"))))
A(R(T, "white kurtas and turmeric stains have history with me.. something like this in another shade",
    KEEP3() + [NOTCOL("white")], S(W, article_type="Kurtas", base_colour=fam("white"))))
A(R(T, "every pair I own is black, time to branch out",
    KEEP3() + [NOTCOL("black")], S(M, article_type="Sunglasses", base_colour="Black")))
A(R(T, "driving shoes scream midlife crisis. similar but a different style",
    KEEP3() + [["Type", "not_in", ["Driving Shoes"]]], S(M, article_type="Casual Shoes", Type="Driving Shoes")))
A(R(T, "full sleeves in a Delhi summer?? I'd melt",
    KEEP3() + [["Sleeve Length", "not_in", ["Long Sleeves"]]],
    S(W, article_type="Tops", **{"Sleeve Length": "Long Sleeves"})))
A(R(T, "grey makes me look like a filing cabinet",
    KEEP3() + [NOTCOL("grey")], S(M, article_type="Sweaters", base_colour=fam("grey"))))
A(R(T, "had my fill of black watches for a while",
    KEEP3() + [NOTCOL("black")], S(M, article_type="Watches", base_colour="Black")))
A(R(T, "slim fit and I parted ways after lockdown",
    KEEP3() + [["Fit", "not_in", ["Slim Fit"]]], S(M, article_type="Jeans", Fit="Slim Fit")))
A(R(T, "prints are a bit loud for casual friday at my office, same tee otherwise",
    KEEP3() + [["Pattern", "not_in", ["Printed"]]], S(M, article_type="Tshirts", Pattern="Printed")))
A(R(T, "blue ones remind me of hostel bathrooms, got anything else?",
    KEEP3() + [NOTCOL("blue")], S(M, article_type="Flip Flops", base_colour=fam("blue"))))

# ------------------------------------------------------------------ idiom
T = "idiom"
A(R(T, "too young to be a stuffed shirt, nothing too office-y",
    KEEP3() + [["usage", "in", ["Casual"]]], S(M, article_type="Shirts", usage="Formal")))
A(R(T, "living on a shoestring budget this month, cheaper ones please",
    KEEP3() + [["price", "lt_ref"]], S(M, article_type="Trousers", price_gt=900)))
A(R(T, "rolling up my sleeves for a big quarter at work, need full sleeve ones though",
    KEEP3() + [["Sleeve Length", "in", ["Long Sleeves"]]],
    S(M, article_type="Shirts", **{"Sleeve Length": "Short Sleeves"})))
A(R(T, "been seeing red all week at work, so nothing red for a while, something calming in blue",
    KEEP3() + [COL("blue"), NOTCOL("red")], S(W, article_type="Tops"), lax=[4]))
A(R(T, "wife says I dress like a black-and-white movie, so something yellow",
    KEEP3() + [COL("yellow"), NOTCOL("black", "white")], S(M, article_type="Tshirts"), lax=[4]))
A(R(T, "don't want to burn a hole in my pocket, under 3500",
    KEEP3() + [under(3500)], S(M, article_type="Watches")))
A(R(T, "wearing my heart on my sleeve here: love it but it's too pricey",
    KEEP3() + [["price", "lt_ref"]], S(W, article_type="Kurtas", price_gt=900)))
A(R(T, "if the shoe fits... these don't. need a EU 38",
    KEEP3() + [["size", "in", ["EURO38"]]], S(W, article_type="Heels")))
A(R(T, "grass is always greener, but I still want blue ones",
    KEEP3() + [COL("blue")], S(M, article_type="Casual Shoes")))
A(R(T, "fits like a glove but that red is a red flag at work, black?",
    KEEP3() + [COL("black"), NOTCOL("red")], S(M, article_type="Jackets", base_colour=fam("red"))))
A(R(T, "getting cold feet about spending this much, something cheaper",
    KEEP3() + [["price", "lt_ref"]], S(W, article_type="Sweaters", price_gt=1200)))
A(R(T, "I don't look at life through rose-tinted glasses, so black frames please",
    KEEP3() + [COL("black")], S(W, article_type="Sunglasses")))

# ------------------------------------------------------------------ contradiction_hedge
T = "contradiction_hedge"
A(R(T, "blue. hmm, or maroon? yeah maroon",
    KEEP3() + [COL("maroon"), NOTCOL("blue")], S(M, article_type="Tshirts"), lax=[4]))
A(R(T, "long sleeves... though I always roll them up anyway... ok short sleeves then",
    KEEP3() + [["Sleeve Length", "in", ["Short Sleeves"]], ["Sleeve Length", "not_in", ["Long Sleeves"]]],
    S(M, article_type="Shirts", **{"Sleeve Length": "Long Sleeves"})))
A(R(T, "a bit pricier maybe? nah, keep it cheaper than this",
    KEEP3() + [["price", "lt_ref"]], S(M, article_type="Casual Shoes", price_gt=1800)))
A(R(T, "V neck? or round... round neck it is",
    KEEP3() + [["Neck", "in", ["Round Neck"]], ["Neck", "not_in", ["V-Neck"]]],
    S(W, article_type="Tops", Neck=["V-Neck", "Scoop Neck", "Boat Neck"]), lax=[4]))
A(R(T, "EU 38... or was it 39? 39 I think, my last pair pinched",
    KEEP3() + [["size", "in", ["EURO39"]]], S(W, article_type="Heels")))
A(R(T, "leather strap. no wait, don't care about the strap. just black",
    KEEP3() + [COL("black")], S(M, article_type="Watches")))
A(R(T, "thought about getting this for my husband but no, it's for me. in blue",
    KEEP3() + [COL("blue"), ["gender", "not_in", ["Men"]]], S(W, article_type="Sweaters")))
A(R(T, "navy... or black? black, final answer",
    KEEP3() + [COL("black"), NOTCOL("navy")], S(M, article_type="Trousers"), lax=[4]))
A(R(T, "under 1000 would be nice but I'd stretch to 1300 for the right one",
    KEEP3() + [up_to(1300)], S(W, article_type="Kurtas", price_gt=1300)))
A(R(T, "casual? formal? ugh. it's for work so formal I guess",
    KEEP3() + [["usage", "in", ["Formal"]], ["usage", "not_in", ["Casual"]]], S(M, article_type="Belts", usage="Casual")))
A(R(T, "brown frames, or... nah, black's safer",
    KEEP3() + [COL("black"), NOTCOL("brown")], S(W, article_type="Sunglasses"), lax=[4]))
A(R(T, "cheaper! well.. not too cheap, I want it to last. ok cheaper than this but over 1000",
    KEEP3() + [["price", "lt_ref"], ["price", "gt", 1000]], S(W, article_type="Handbags", price_gt=1700),
    lax=[4]))

# ------------------------------------------------------------------ casual_recipient
T = "casual_recipient"
A(R(T, "for my better half", FOR_ADULT("Women"), S(M, article_type="Shirts")))
A(R(T, "one for my niece, she just turned 9", FOR_KID("girl"), S(W, article_type="Tops")))
A(R(T, "my old man needs new shades, something like these", FOR_ADULT("Men"), S(W, article_type="Sunglasses")))
A(R(T, "for mum's 50th, she's gone off gold lately", FOR_ADULT("Women") + [NOTCOL("gold")],
    S(M, article_type="Watches"), lax=[3]))
A(R(T, "something like this for the wifey", FOR_ADULT("Women"), S(M, article_type="Casual Shoes")))
A(R(T, "our toddler needs one like daddy's", FOR_KID("any"), S(M, article_type="Tshirts")))
A(R(T, "same thing but for my bro pls", FOR_ADULT("Men"), S(W, article_type="Sweaters")))
A(R(T, "my sis would love this, got a ladies one? she's allergic to pink lol", FOR_ADULT("Women") + [NOTCOL("pink")],
    S(M, article_type="Sweatshirts"), lax=[3]))
A(R(T, "my fiancée wants one just like mine", FOR_ADULT("Women"), S(M, article_type="Jackets")))
A(R(T, "for my father-in-law, he's old school", FOR_ADULT("Men"), S(W, article_type="Wallets")))
A(R(T, "my little man is 4, same style for him?", FOR_KID("boy"), S(M, article_type="Sandals")))
A(R(T, "for the kiddos, pool season", FOR_KID("any"), S(M, article_type="Flip Flops")))

# ------------------------------------------------------------------ occasion_place
T = "occasion_place"
A(R(T, "first day at a law firm next week, loud checks are out",
    KEEP3() + [["usage", "in", ["Formal"]], ["Pattern", "not_in", ["Checked"]]], S(M, article_type="Shirts", usage="Casual"),
    lax=[4]))
A(R(T, "for badminton at the club",
    KEEP3() + [["usage", "in", ["Sports"]]], S(M, article_type="Tshirts", usage="Casual")))
A(R(T, "Monday to Friday at the office, need to look like a grown-up",
    KEEP3() + [["usage", "in", ["Formal"]]], S(M, article_type="Trousers", usage="Casual")))
A(R(T, "for cricket nets",
    KEEP3() + [["usage", "in", ["Sports"]]], S(M, article_type="Socks", usage=["Casual", "Formal"])))
A(R(T, "trekking in the Western Ghats next month",
    TO_TYPE("Sports Shoes"), S(M, article_type="Casual Shoes")))
A(R(T, "for my cousin's mehendi",
    [["article_type", "in", ["Tops", "Kurtas", "Kurtis", "Tunics"]], ["gender", "keep"], ["age_group", "keep"],
     ["usage", "in", ["Ethnic"]]], S(W, article_type="Tops", usage="Casual"), lax=[0]))
A(R(T, "for a 5k park run on sunday",
    KEEP3() + [["usage", "in", ["Sports"]]], S(M, article_type="Shorts", usage="Casual")))
A(R(T, "for yoga class",
    KEEP3() + [["usage", "in", ["Sports"]]], S(W, article_type="Tshirts", usage="Casual")))
A(R(T, "for warm-ups before hockey",
    KEEP3() + [["usage", "in", ["Sports"]]], S(M, article_type="Jackets", usage="Casual")))
A(R(T, "for a funeral", KEEP3() + [COL("black")], S(M, article_type="Ties")))
A(R(T, "church on sunday and my gran insists on proper clothes",
    KEEP3() + [["usage", "in", ["Formal"]]], S(M, article_type="Shirts", usage="Casual")))
A(R(T, "something for my weights sessions",
    KEEP3() + [["usage", "in", ["Sports"]]], S(M, article_type="Sweatshirts", usage="Casual")))

# ------------------------------------------------------------------ slang
T = "slang"
A(R(T, "any runners like this? heading to Melbourne", TO_TYPE("Sports Shoes"), S(M, article_type="Casual Shoes")))
A(R(T, "need jandals for the bach this summer", TO_TYPE("Flip Flops"), S(M, article_type="Sandals")))
A(R(T, "a hoodie in this kind of colour", TO_TYPE("Sweatshirts"), S(M, article_type="Shirts")))
A(R(T, "a singlet to wear under my work shirt", TO_TYPE("Innerwear Vests"), S(M, article_type="Tshirts")))
A(R(T, "got any joggers or sweatpants?", TO_TYPE("Track Pants"), S(M, article_type="Trousers")))
A(R(T, "just a basic tee in this vibe", TO_TYPE("Tshirts"), S(W, article_type="Tops")))
A(R(T, "a cardi like this but warmer", TO_TYPE("Sweaters"), S(M, article_type="Sweatshirts")))
A(R(T, "everyday kicks, nothing sporty",
    [["article_type", "in", ["Casual Shoes"]], ["gender", "keep"], ["age_group", "keep"],
     ["article_type", "not_in", ["Sports Shoes"]]], S(M, article_type="Sports Shoes")))
A(R(T, "need some new jocks", TO_TYPE("Briefs", "Trunk", "Boxers"), S(M, article_type="Innerwear Vests")))
A(R(T, "a puffer for the Manali trip", TO_TYPE("Jackets"), S(M, article_type="Sweaters")))
A(R(T, "sunnies in a similar colour?", TO_TYPE("Sunglasses"), S(W, article_type="Watches")))
A(R(T, "chinos instead", TO_TYPE("Trousers") + [["usage", "in", ["Casual"]], ["article_type", "not_in", ["Jeans"]]],
    S(M, article_type="Jeans"), lax=[3]))

# ------------------------------------------------------------------ size
T = "size"
A(R(T, "39 collar pls", KEEP3() + [["size", "in", ["39"]]], S(M, article_type="Shirts")))
A(R(T, "my neck is 17.5 inches, does this come in that?", KEEP3() + [["size", "in", ["44"]]],
    S(M, article_type="Shirts")))
A(R(T, "XS, I'm built like a twig", KEEP3() + [["size", "in", ["XS"]]], S(M, article_type="Tshirts")))
A(R(T, "my waist measures 97 cm", KEEP3() + [["size", "in", ["38"]]], S(M, article_type="Trousers")))
A(R(T, "size 6 in UK sizing", KEEP3() + [["size", "in", ["UK6"]]], S(M, article_type="Casual Shoes")))
A(R(T, "I take a 46 in European sizes", KEEP3() + [["size", "in", ["UK11", "EURO46"]]],
    S(M, article_type="Sports Shoes")))
A(R(T, "double XL please", KEEP3() + [["size", "in", ["XXL", "2XL"]]], S(W, article_type="Kurtas")))
A(R(T, "smallest you've got, XS", KEEP3() + [["size", "in", ["XS"]]], S(W, article_type="Tops")))
A(R(T, "XXL, I like them baggy", KEEP3() + [["size", "in", ["XXL", "2XL"]]], S(M, article_type="Sweatshirts")))
A(R(T, "40 in EU sizing", KEEP3() + [["size", "in", ["EURO40"]]], S(W, article_type="Flats")))
A(R(T, "need a 40 waist", KEEP3() + [["size", "in", ["40"]]], S(M, article_type="Trousers")))
A(R(T, "34 inch one please", KEEP3() + [["size", "in", ["34"]]], S(M, article_type="Belts")))

# ------------------------------------------------------------------ currency
T = "currency"
A(R(T, "under 40 dollars", KEEP3() + [under(fx(40, "USD"))], S(M, article_type="Sports Shoes")))
A(R(T, "£12 or less", KEEP3() + [up_to(fx(12, "GBP"))], S(W, article_type="Heels")))
A(R(T, "no more than 60 euros", KEEP3() + [up_to(fx(60, "EUR"))], S(W, article_type="Watches")))
A(R(T, "under 14 quid", KEEP3() + [under(fx(14, "GBP"))], S(M, article_type="Jeans")))
A(R(T, "below three hundred rupees", KEEP3() + [under(300)], S(M, article_type="Tshirts")))
A(R(T, "between 1100 and 1400 rupees",
    KEEP3() + [["price", "gt", 1099], up_to(1400)], S(M, article_type="Shirts"), lax=[3, 4]))
A(R(T, "roughly 1.8 to 2.6k", KEEP3() + [["price", "gt", 1799], up_to(2600)], S(M, article_type="Sunglasses"),
    lax=[3, 4]))
A(R(T, "budget is Rs. 1,750/-", KEEP3() + [up_to(1750)], S(W, article_type="Handbags")))
A(R(T, "$25 max", KEEP3() + [up_to(fx(25, "USD"))], S(M, article_type="Casual Shoes")))
A(R(T, "under 8 euros", KEEP3() + [under(fx(8, "EUR"))], S(W, article_type="Kurtas")))
A(R(T, "less than a fiver", KEEP3() + [under(fx(5, "GBP"))], S(M, article_type="Wallets")))
A(R(T, "upto INR 2,200", KEEP3() + [up_to(2200)], S(M, article_type="Formal Shoes")))

# ------------------------------------------------------------------ emphasis
T = "emphasis"
A(R(T, "OLIVE 🫒🫒🫒", KEEP3() + [COL("olive")], S(M, article_type="Tshirts")))
A(R(T, "SHORT. SLEEVES. 🔥🔥🔥", KEEP3() + [["Sleeve Length", "in", ["Short Sleeves"]]],
    S(M, article_type="Shirts", **{"Sleeve Length": "Long Sleeves"})))
A(R(T, "purpleeee ✨💜✨", KEEP3() + [COL("purple")], S(W, article_type="Tops")))
A(R(T, "BROWN!!! 🤎🤎 enough black", KEEP3() + [COL("brown"), NOTCOL("black")],
    S(M, article_type="Casual Shoes", base_colour="Black")))
A(R(T, "goldddd pls 💛💛", KEEP3() + [COL("gold")], S(W, article_type="Watches")))
A(R(T, "REGULAR FIT!!! not slim!!!", KEEP3() + [["Fit", "in", ["Regular Fit"]], ["Fit", "not_in", ["Slim Fit"]]],
    S(M, article_type="Jeans", Fit="Slim Fit")))
A(R(T, "way WAY cheaper 😭😭😭", KEEP3() + [["price", "lt_ref"]], S(W, article_type="Heels", price_gt=1300)))
A(R(T, "NOT WHITE!!!!! 🙅‍♀️🙅‍♀️", KEEP3() + [NOTCOL("white")], S(W, article_type="Kurtas", base_colour=fam("white"))))
A(R(T, "BEIGE??!! 😍", KEEP3() + [COL("beige")], S(W, article_type="Handbags")))
A(R(T, "blue!!!!!!! 💙💙💙", KEEP3() + [COL("blue")], S(M, article_type="Sports Shoes")))
A(R(T, "GREEEEN 💚💚 green green green", KEEP3() + [COL("green")], S(M, article_type="Sweaters")))
A(R(T, "less pricey plssssss 🙏🙏🙏", KEEP3() + [["price", "lt_ref"]], S(M, article_type="Sunglasses", price_gt=1800)))

# ------------------------------------------------------------------ long_chatty
T = "long_chatty"
A(R(T, "My brother Arjun is getting married in December and I'm the best man, so there's a dozen functions "
       "and I'm running out of shirts. This cut is great but I want something plain this time, no checks and "
       "no stripes, my cousins all wear those",
    KEEP3() + [["Pattern", "in", ["Solid"]], ["Pattern", "not_in", ["Checked", "Striped"]]],
    S(M, article_type="Shirts", Pattern=["Checked", "Striped"])))
A(R(T, "I joined the office running club (peer pressure, honestly) and we're doing a 10k in Hyderabad in "
       "Feb. I need tees I can actually train in, and please nothing white, I sweat like crazy and it shows",
    KEEP3() + [["usage", "in", ["Sports"]], NOTCOL("white")],
    S(W, article_type="Tshirts", usage="Casual", base_colour=fam("white"))))
A(R(T, "Nani turns 80 next month and the whole family is doing a colour theme, green for the women. "
       "I'm still a student so I can't spend much, under 800 please. She'd love this style",
    KEEP3() + [COL("green"), under(800)], S(W, article_type="Kurtas", price_gt=800)))
A(R(T, "hey so I'm a UK 5 and it's impossible to find shoes I like in my size, every time I find a pair "
       "they're sold out. these are cute but could I get something similar in white? it's for college",
    KEEP3() + [["size", "in", ["UK5"]], COL("white")],
    S(W, article_type="Casual Shoes", sizes_lacks=["UK5"])))
A(R(T, "Our 10th anniversary is coming up and Priya has been dropping hints for months. She only wears "
       "silver jewellery, never gold, so the watch should be silver, and I'd like to stay under 5500 because "
       "I'm also paying for dinner lol",
    KEEP3() + [COL("silver"), under(5500), NOTCOL("gold")], S(W, article_type="Watches", price_gt=5500), lax=[5]))
A(R(T, "Just started teaching maths at a school in Nagpur and the principal made it very clear on day one: "
       "no jeans, no casual stuff. So I need proper formal trousers, black ideally, like these but for work",
    KEEP3() + [["usage", "in", ["Formal"]], COL("black"), ["usage", "not_in", ["Casual"]]],
    S(M, article_type="Trousers", usage="Casual")))
A(R(T, "Been running in the same pair since 2019 and my physio says the cushioning is gone. These look great "
       "but my wife will kill me if I spend that much again, so cheaper please. I'm a UK 10 btw",
    KEEP3() + [["price", "lt_ref"], ["size", "in", ["UK10"]]],
    S(M, article_type="Sports Shoes", sizes_lacks=["UK10"], price_gt=2500)))
A(R(T, "Kavya here! Backpacking across Europe for 3 weeks with my college gang and I need one bag that fits "
       "everything, passport, charger, snacks. Black please so it doesn't show dirt, and my budget is about "
       "30 euros",
    KEEP3() + [COL("black"), up_to(fx(30, "EUR"))], S(W, article_type="Handbags", price_gt=3061)))
A(R(T, "Driving up to Ladakh in June with three friends and my last pair got sat on at a dhaba (long story). "
       "Want something like these but in black, and under 2000 since they'll probably get sat on again",
    KEEP3() + [COL("black"), under(2000)], S(M, article_type="Sunglasses", price_gt=2000)))
A(R(T, "College farewell is next Friday and everyone's dressing up, but I genuinely can't walk in heels, "
       "I fell at my cousin's wedding last year. Something flat would be way better, black if you have it",
    TO_TYPE("Flats") + [["article_type", "not_in", ["Heels"]], COL("black")], S(W, article_type="Heels")))
A(R(T, "Me and my brother are riding to Spiti in September and my old jacket is falling apart. I like this "
       "one but the colour is a bit much, black would be better. And it needs proper sleeves, I'll freeze "
       "otherwise",
    KEEP3() + [COL("black"), ["Sleeve Length", "in", ["Long Sleeves"]]], S(M, article_type="Jackets")))
A(R(T, "My daughter Meher is 10 and she insists on dressing exactly like her didi, who bought this top last "
       "week. Is there a kids version? Something similar for a girl her age",
    FOR_KID("girl"), S(W, article_type="Tops")))

# ------------------------------------------------------------------ swap
T = "swap"
A(R(T, "stripes in place of the checks", KEEP3() + [["Pattern", "in", ["Striped"]], ["Pattern", "not_in", ["Checked"]]],
    S(M, article_type="Shirts", Pattern="Checked")))
A(R(T, "polo collar rather than round neck", KEEP3() + [["Neck", "in", ["Polo Collar"]], ["Neck", "not_in", ["Round Neck"]]],
    S(M, article_type="Tshirts", Neck="Round Neck")))
A(R(T, "three quarter sleeves over short ones",
    KEEP3() + [["Sleeve Length", "in", ["Three-Quarter Sleeves"]], ["Sleeve Length", "not_in", ["Short Sleeves"]]],
    S(W, article_type="Tops", **{"Sleeve Length": "Short Sleeves"})))
A(R(T, "loafers, not sneakers", KEEP3() + [["Type", "in", ["Loafers"]], ["Type", "not_in", ["Sneakers"]]],
    S(M, article_type="Casual Shoes", Type="Sneakers")))
A(R(T, "regular fit over slim", KEEP3() + [["Fit", "in", ["Regular Fit"]], ["Fit", "not_in", ["Slim Fit"]]],
    S(M, article_type="Shirts", Fit="Slim Fit")))
A(R(T, "ditch the steel look, go gold", KEEP3() + [COL("gold"), NOTCOL("silver")],
    S(W, article_type="Watches", base_colour=fam("silver"))))
A(R(T, "swap these for jeans", TO_TYPE("Jeans") + [["article_type", "not_in", ["Trousers"]]],
    S(M, article_type="Trousers")))
A(R(T, "a backpack instead of a handbag",
    [["article_type", "in", ["Backpacks", "Rucksacks"]], ["gender", "in", ["Women", "Unisex"]],
     ["age_group", "in", ["Adults-Women", "Adults-Unisex"]], ["article_type", "not_in", ["Handbags"]]],
    S(W, article_type="Handbags")))
A(R(T, "jacket instead of a sweatshirt", TO_TYPE("Jackets") + [["article_type", "not_in", ["Sweatshirts"]]],
    S(M, article_type="Sweatshirts")))
A(R(T, "brown ones over black", KEEP3() + [COL("brown"), NOTCOL("black")],
    S(M, article_type="Sandals", base_colour="Black")))
A(R(T, "lose the white, make it green", KEEP3() + [COL("green"), NOTCOL("white")],
    S(W, article_type="Kurtas", base_colour=fam("white"))))
A(R(T, "white pair instead of the black ones", KEEP3() + [COL("white"), NOTCOL("black")],
    S(M, article_type="Sports Shoes", base_colour="Black")))

# ------------------------------------------------------------------ companion
T = "companion"
A(R(T, "a shirt to wear with these to work", TO_TYPE("Shirts") + [["usage", "in", ["Formal"]]],
    S(M, article_type="Trousers", usage="Formal"), lax=[3]))
A(R(T, "a clutch to carry with this kurta", TO_TYPE("Clutches", "Handbags"), S(W, article_type="Kurtas")))
A(R(T, "a belt to wear with this", TO_TYPE("Belts"), S(M, article_type="Shirts")))
A(R(T, "a top to go with these jeans, something other than blue", TO_TYPE("Tops") + [NOTCOL("blue")],
    S(W, article_type="Jeans"), lax=[3]))
A(R(T, "a belt that'd match these black shoes, so brown's out", TO_TYPE("Belts") + [COL("black"), NOTCOL("brown")],
    S(M, article_type="Formal Shoes", base_colour="Black"), lax=[3, 4]))
A(R(T, "a pair of jeans for this", TO_TYPE("Jeans"), S(M, article_type="Tshirts")))
A(R(T, "sunglasses to go with this top",
    [["article_type", "in", ["Sunglasses"]], ["gender", "in", ["Women", "Unisex"]],
     ["age_group", "in", ["Adults-Women", "Adults-Unisex"]]], S(W, article_type="Tops")))
A(R(T, "socks for running in these", TO_TYPE("Socks") + [["usage", "in", ["Sports"]]],
    S(M, article_type="Sports Shoes"), lax=[3]))
A(R(T, "a muffler to go with this sweater", TO_TYPE("Mufflers", "Scarves"), S(M, article_type="Sweaters")))
A(R(T, "cufflinks for this one", TO_TYPE("Cufflinks"), S(M, article_type="Shirts", usage="Formal", **{"Sleeve Length": "Long Sleeves"})))
A(R(T, "a wallet to match", TO_TYPE("Wallets"), S(W, article_type="Handbags")))
A(R(T, "a watch to wear with these to a party", TO_TYPE("Watches"), S(W, article_type="Heels")))

# ------------------------------------------------------------------ off_topic
T = "off_topic"
NU = [["flag", "not_understood"]]
for txt, spec in [
    ("jhfdkjs dkfj", S(M, article_type="Casual Shoes")),
    ("👀", S(W, article_type="Heels")),
    ("is the metro running today", S(M, article_type="Watches")),
    ("convert 100 fahrenheit to celsius", S(W, article_type="Tshirts")),
    ("recipe for butter chicken", S(M, article_type="Jeans")),
    ("🙃🙃🙃🙃", S(M, article_type="Sweatshirts")),
    ("how many km from Delhi to Agra", S(W, article_type="Kurtas")),
    ("aaaaaaaaa", S(M, article_type="Socks")),
    ("write me a poem about the sea", S(W, article_type="Handbags")),
    ("what's 17 times 23", S(M, article_type="Formal Shoes")),
    ("who is the prime minister of australia", S(M, article_type="Belts")),
    ("zzzz mmm k", S(M, article_type="Briefs")),
]:
    A(R(T, txt, NU, spec))
