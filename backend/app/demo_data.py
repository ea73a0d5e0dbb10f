"""Demo catalog for a shop that sells books and coffee: plain data, no database code.

`app.seed` loads it. Categories are listed parents first; products name their category by
slug; stock names stores by name and products by slug. Prices are decimal strings in the
shop's currency, coordinates Decimals with six places. Opening hours are per weekday lists
of [open, close] in the store's local time; a closing time before the opening time runs
past midnight.
"""

from decimal import Decimal
from typing import Any, NotRequired, TypedDict


class CategoryData(TypedDict):
    slug: str
    name: str
    description: str
    parent: str | None


class ProductData(TypedDict):
    category: str
    slug: str
    name: str
    description: str
    price: str
    attributes: dict[str, Any]
    is_active: NotRequired[bool]


class StoreData(TypedDict):
    name: str
    address: str
    city: str
    latitude: Decimal
    longitude: Decimal
    timezone: str
    opening_hours: dict[str, list[list[str]]]
    phone: str
    email: str


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# --- categories -------------------------------------------------------------------------------

CATEGORIES: list[CategoryData] = [
    {
        "slug": "books",
        "name": "Books",
        "description": "Novels, non-fiction, science and picture books, chosen by our booksellers.",
        "parent": None,
    },
    {
        "slug": "coffee",
        "name": "Coffee",
        "description": "Freshly roasted beans, ground coffee, brewing gear and drinks to go.",
        "parent": None,
    },
    {
        "slug": "fiction",
        "name": "Fiction",
        "description": "Literary fiction, crime, fantasy and translated novels.",
        "parent": "books",
    },
    {
        "slug": "non-fiction",
        "name": "Non-fiction",
        "description": "History, travel, food writing and ideas for everyday life.",
        "parent": "books",
    },
    {
        "slug": "childrens-books",
        "name": "Children's",
        "description": "Board books, picture books and chapter books for young readers.",
        "parent": "books",
    },
    {
        "slug": "science",
        "name": "Science",
        "description": "Popular science: biology, physics, astronomy, earth sciences and maths.",
        "parent": "books",
    },
    {
        "slug": "coffee-beans",
        "name": "Beans",
        "description": "Whole-bean single origins and blends, roasted weekly in small batches.",
        "parent": "coffee",
    },
    {
        "slug": "ground-coffee",
        "name": "Ground",
        "description": "Coffee ground to order for filter, espresso, moka pot and cold brew.",
        "parent": "coffee",
    },
    {
        "slug": "coffee-equipment",
        "name": "Equipment",
        "description": "Drippers, grinders, kettles, presses and everything to brew at home.",
        "parent": "coffee",
    },
    {
        "slug": "drinks-to-go",
        "name": "Drinks to go",
        "description": "Espresso drinks, filter and cold brew, made at the counter.",
        "parent": "coffee",
    },
]

# --- products ---------------------------------------------------------------------------------

BOOKS: list[ProductData] = [
    # Fiction
    {
        "category": "fiction",
        "slug": "the-lighthouse-keepers-daughter",
        "name": "The Lighthouse Keeper's Daughter",
        "description": (
            "On a storm-battered island off the Cornish coast, a young woman inherits her "
            "father's logbooks and the secret hidden between their pages. A tender, atmospheric "
            "novel about grief and the sea."
        ),
        "price": "14.90",
        "attributes": {
            "author": "Mara Ellison",
            "isbn": "9781912345014",
            "pages": 352,
            "language": "en",
            "publisher": "Harbour Lane Press",
            "year": 2021,
            "format": "paperback",
        },
    },
    {
        "category": "fiction",
        "slug": "winter-in-lisbon",
        "name": "Winter in Lisbon",
        "description": (
            "A retired tram driver and a runaway violinist share one rainy season in the "
            "Alfama. Quietly funny and full of tiled courtyards and late-night fado."
        ),
        "price": "12.90",
        "attributes": {
            "author": "Tomás Rey",
            "translator": "Helen Crane",
            "isbn": "9781912345021",
            "pages": 288,
            "language": "en",
            "publisher": "Meridian Books",
            "year": 2019,
            "format": "paperback",
        },
    },
    {
        "category": "fiction",
        "slug": "die-stille-der-kraniche",
        "name": "Die Stille der Kraniche",
        "description": (
            "Ein Roman über drei Generationen einer Familie in der Uckermark, erzählt im "
            "Rhythmus der Kranichzüge. German-language hardcover."
        ),
        "price": "24.00",
        "attributes": {
            "author": "Katrin Vogel",
            "isbn": "9783448612035",
            "pages": 416,
            "language": "de",
            "publisher": "Lindenhof Verlag",
            "year": 2022,
            "format": "hardcover",
        },
    },
    {
        "category": "fiction",
        "slug": "a-map-of-small-rivers",
        "name": "A Map of Small Rivers",
        "description": (
            "Two estranged brothers canoe the length of a forgotten Welsh river to scatter "
            "their mother's ashes. Lyrical, rueful and unexpectedly warm."
        ),
        "price": "13.50",
        "attributes": {
            "author": "Jonah Whitlock",
            "isbn": "9781912345045",
            "pages": 304,
            "language": "en",
            "publisher": "Harbour Lane Press",
            "year": 2020,
            "format": "paperback",
        },
    },
    {
        "category": "fiction",
        "slug": "the-clockmaker-of-prague",
        "name": "The Clockmaker of Prague",
        "description": (
            "In 1910 a clockmaker's apprentice discovers a mechanism that seems to keep time "
            "for someone not yet born. Historical fiction with a touch of the uncanny."
        ),
        "price": "11.99",
        "attributes": {
            "author": "Ilse Novak",
            "isbn": "9781912345052",
            "pages": 464,
            "language": "en",
            "publisher": "Meridian Books",
            "year": 2018,
            "format": "paperback",
        },
    },
    {
        "category": "fiction",
        "slug": "midnight-at-the-orchard-hotel",
        "name": "Midnight at the Orchard Hotel",
        "description": (
            "A wedding party, a locked conservatory and a detective who only wanted a quiet "
            "weekend. A cosy crime puzzle with a devilish final twist."
        ),
        "price": "16.90",
        "attributes": {
            "author": "Priya Raman",
            "isbn": "9781912345069",
            "pages": 320,
            "language": "en",
            "publisher": "Blackthorn Crime",
            "year": 2023,
            "format": "hardcover",
        },
    },
    {
        "category": "fiction",
        "slug": "salt-and-cinder",
        "name": "Salt and Cinder",
        "description": (
            "The first book of an epic fantasy trilogy: a smuggler queen, a drowned empire "
            "and a map inked in dragon fire."
        ),
        "price": "18.50",
        "attributes": {
            "author": "Owen Castellane",
            "isbn": "9781912345076",
            "pages": 512,
            "language": "en",
            "publisher": "Ember & Oak",
            "year": 2022,
            "format": "hardcover",
            "series": "The Drowned Crown, book 1",
        },
    },
    {
        "category": "fiction",
        "slug": "nachtzug-nach-triest",
        "name": "Nachtzug nach Triest",
        "description": (
            "Eine Nacht, ein Schlafwagen, sieben Fremde: ein leiser Roman über Abschiede. "
            "German-language paperback, a bookseller favourite in Berlin."
        ),
        "price": "20.00",
        "attributes": {
            "author": "Jakob Brenner",
            "isbn": "9783448612080",
            "pages": 272,
            "language": "de",
            "publisher": "Lindenhof Verlag",
            "year": 2017,
            "format": "paperback",
        },
    },
    {
        "category": "fiction",
        "slug": "the-paper-garden-first-edition",
        "name": "The Paper Garden (First Edition)",
        "description": (
            "Signed first edition of the debut novel about a botanist who folds a whole "
            "greenhouse out of letters. Out of print; no longer sold."
        ),
        "price": "45.00",
        "is_active": False,
        "attributes": {
            "author": "Clara Fenwick",
            "isbn": "9781912345090",
            "pages": 240,
            "language": "en",
            "publisher": "Harbour Lane Press",
            "year": 2014,
            "format": "hardcover",
            "signed": True,
        },
    },
    # Non-fiction
    {
        "category": "non-fiction",
        "slug": "the-slow-kitchen",
        "name": "The Slow Kitchen: Cooking with Time",
        "description": (
            "Ninety recipes for braises, breads and ferments that mostly cook themselves. "
            "Generously photographed and written for unhurried weekends."
        ),
        "price": "29.90",
        "attributes": {
            "author": "Elena Marsh",
            "isbn": "9781912346103",
            "pages": 256,
            "language": "en",
            "publisher": "Larder Books",
            "year": 2021,
            "format": "hardcover",
        },
    },
    {
        "category": "non-fiction",
        "slug": "walking-the-rhine",
        "name": "Walking the Rhine: A Journey on Foot",
        "description": (
            "From the Alpine source to the North Sea, twelve hundred kilometres of vineyards, "
            "barges and border towns. Travel writing at walking pace."
        ),
        "price": "19.90",
        "attributes": {
            "author": "Felix Hartmann",
            "isbn": "9781912346110",
            "pages": 336,
            "language": "en",
            "publisher": "Meridian Books",
            "year": 2019,
            "format": "paperback",
        },
    },
    {
        "category": "non-fiction",
        "slug": "habits-of-quiet-minds",
        "name": "Habits of Quiet Minds",
        "description": (
            "A psychologist explains how attention works and why small routines beat "
            "willpower. Practical, evidence-based and free of hype."
        ),
        "price": "17.50",
        "attributes": {
            "author": "Dr. Ruth Okafor",
            "isbn": "9781912346127",
            "pages": 240,
            "language": "en",
            "publisher": "Northlight",
            "year": 2022,
            "format": "paperback",
        },
    },
    {
        "category": "non-fiction",
        "slug": "a-short-history-of-coffee-houses",
        "name": "A Short History of Coffee Houses",
        "description": (
            "From Ottoman Istanbul to Viennese cafés and London's penny universities: how the "
            "coffee house became the living room of the city."
        ),
        "price": "21.00",
        "attributes": {
            "author": "Benedict Lowe",
            "isbn": "9781912346134",
            "pages": 288,
            "language": "en",
            "publisher": "Northlight",
            "year": 2020,
            "format": "hardcover",
        },
    },
    {
        "category": "non-fiction",
        "slug": "berlin-zehn-strassen",
        "name": "Berlin: Zehn Straßen, zehn Jahrhunderte",
        "description": (
            "Stadtgeschichte in zehn Spaziergängen, von der Spreeinsel bis zur Karl-Marx-Allee. "
            "Mit historischen Karten und Fotografien."
        ),
        "price": "24.90",
        "attributes": {
            "author": "Anja Kessler",
            "isbn": "9783448612141",
            "pages": 384,
            "language": "de",
            "publisher": "Lindenhof Verlag",
            "year": 2018,
            "format": "hardcover",
        },
    },
    {
        "category": "non-fiction",
        "slug": "the-money-conversation",
        "name": "The Money Conversation",
        "description": (
            "Budgets, pensions and awkward talks with your partner, explained without jargon. "
            "A friendly first book on personal finance."
        ),
        "price": "15.90",
        "attributes": {
            "author": "Marcus Bell",
            "isbn": "9781912346158",
            "pages": 224,
            "language": "en",
            "publisher": "Northlight",
            "year": 2023,
            "format": "paperback",
        },
    },
    {
        "category": "non-fiction",
        "slug": "letters-from-the-atlas-mountains",
        "name": "Letters from the Atlas Mountains",
        "description": (
            "A memoir of a year spent teaching in a Berber village, told through letters home. "
            "Honest about homesickness, mint tea and mountain weather."
        ),
        "price": "13.00",
        "attributes": {
            "author": "Sofia Amrani",
            "isbn": "9781912346165",
            "pages": 298,
            "language": "en",
            "publisher": "Meridian Books",
            "year": 2016,
            "format": "paperback",
        },
    },
    # Children's
    {
        "category": "childrens-books",
        "slug": "pip-the-lighthouse-mouse",
        "name": "Pip the Lighthouse Mouse",
        "description": (
            "A tiny mouse keeps the great lamp burning when the keeper falls ill. Rhyming "
            "picture book with glowing watercolour illustrations."
        ),
        "price": "9.90",
        "attributes": {
            "author": "Lotte Baum",
            "illustrator": "Finn Ahlers",
            "isbn": "9781912347179",
            "pages": 32,
            "language": "en",
            "publisher": "Little Acorn",
            "year": 2020,
            "age_range": "3-6",
            "format": "hardcover",
        },
    },
    {
        "category": "childrens-books",
        "slug": "the-dragon-who-hated-bedtime",
        "name": "The Dragon Who Hated Bedtime",
        "description": (
            "Ember will brush her teeth, count sheep and even sing a lullaby, anything except "
            "go to sleep. A giggle-out-loud read-aloud."
        ),
        "price": "11.50",
        "attributes": {
            "author": "Nora Quill",
            "isbn": "9781912347186",
            "pages": 40,
            "language": "en",
            "publisher": "Little Acorn",
            "year": 2021,
            "age_range": "4-7",
            "format": "paperback",
        },
    },
    {
        "category": "childrens-books",
        "slug": "max-und-das-fliegende-fahrrad",
        "name": "Max und das fliegende Fahrrad",
        "description": (
            "Max baut aus Opas altem Rad eine Flugmaschine und startet vom Tempelhofer Feld. "
            "Erstlesebuch mit vielen farbigen Bildern."
        ),
        "price": "12.00",
        "attributes": {
            "author": "Henrike Sommer",
            "isbn": "9783448612196",
            "pages": 64,
            "language": "de",
            "publisher": "Lindenhof Kinderbuch",
            "year": 2019,
            "age_range": "6-9",
            "format": "hardcover",
        },
    },
    {
        "category": "childrens-books",
        "slug": "the-secret-club-of-willow-street",
        "name": "The Secret Club of Willow Street",
        "description": (
            "Four neighbours, one tree house and a mysterious parcel that keeps arriving with "
            "no sender. A chapter book about friendship and codes."
        ),
        "price": "8.99",
        "attributes": {
            "author": "Sam Okoro",
            "isbn": "9781912347209",
            "pages": 176,
            "language": "en",
            "publisher": "Little Acorn",
            "year": 2022,
            "age_range": "8-11",
            "format": "paperback",
        },
    },
    {
        "category": "childrens-books",
        "slug": "counting-stars",
        "name": "Counting Stars: A First Book of Space",
        "description": (
            "Planets, moons and comets to count from one to ten. Sturdy board pages for the "
            "smallest astronauts."
        ),
        "price": "7.50",
        "attributes": {
            "author": "Ada Lindqvist",
            "isbn": "9781912347216",
            "pages": 20,
            "language": "en",
            "publisher": "Little Acorn",
            "year": 2023,
            "age_range": "1-3",
            "format": "board book",
        },
    },
    {
        "category": "childrens-books",
        "slug": "the-treehouse-detectives",
        "name": "The Treehouse Detectives",
        "description": (
            "When the school hamster vanishes, three classmates open their own detective "
            "agency. Puzzles and clues to solve along the way."
        ),
        "price": "9.99",
        "attributes": {
            "author": "Sam Okoro",
            "isbn": "9781912347223",
            "pages": 208,
            "language": "en",
            "publisher": "Little Acorn",
            "year": 2021,
            "age_range": "9-12",
            "format": "paperback",
        },
    },
    {
        "category": "childrens-books",
        "slug": "ellas-rainy-day-adventure",
        "name": "Ella's Rainy Day Adventure",
        "description": (
            "Puddles become oceans and the sofa a pirate ship in this joyful story about "
            "imagination on a grey afternoon."
        ),
        "price": "10.90",
        "attributes": {
            "author": "Maisie Hart",
            "isbn": "9781912347230",
            "pages": 32,
            "language": "en",
            "publisher": "Little Acorn",
            "year": 2018,
            "age_range": "3-6",
            "format": "hardcover",
        },
    },
    # Science
    {
        "category": "science",
        "slug": "the-hidden-life-of-fungi",
        "name": "The Hidden Life of Fungi",
        "description": (
            "Mycelial networks, yeasts and moulds: a mycologist reveals the kingdom that feeds "
            "forests and brews our bread and beer."
        ),
        "price": "22.00",
        "attributes": {
            "author": "Dr. Miriam Stokes",
            "isbn": "9781912348244",
            "pages": 320,
            "language": "en",
            "publisher": "Quantum Leaf",
            "year": 2021,
            "format": "hardcover",
        },
    },
    {
        "category": "science",
        "slug": "why-the-sky-is-dark-at-night",
        "name": "Why the Sky Is Dark at Night",
        "description": (
            "Olbers' paradox as a guided tour of cosmology: light, distance, the expanding "
            "universe and the afterglow of the Big Bang."
        ),
        "price": "19.50",
        "attributes": {
            "author": "Prof. Daniel Aras",
            "isbn": "9781912348251",
            "pages": 272,
            "language": "en",
            "publisher": "Quantum Leaf",
            "year": 2020,
            "format": "paperback",
        },
    },
    {
        "category": "science",
        "slug": "small-numbers-big-ideas",
        "name": "Small Numbers, Big Ideas: A Mathematics Companion",
        "description": (
            "Primes, infinity, probability and proof, explained through puzzles you can try at "
            "the kitchen table. No formulas beyond school algebra."
        ),
        "price": "18.90",
        "attributes": {
            "author": "Grace Lin-Hartley",
            "isbn": "9781912348268",
            "pages": 356,
            "language": "en",
            "publisher": "Quantum Leaf",
            "year": 2019,
            "format": "paperback",
        },
    },
    {
        "category": "science",
        "slug": "the-restless-earth",
        "name": "The Restless Earth: Volcanoes, Quakes and Plate Tectonics",
        "description": (
            "Why Iceland is splitting apart and what happens under Naples: a vivid introduction "
            "to geology with maps and cross-sections."
        ),
        "price": "24.00",
        "attributes": {
            "author": "Dr. Henrik Solberg",
            "isbn": "9781912348275",
            "pages": 304,
            "language": "en",
            "publisher": "Quantum Leaf",
            "year": 2022,
            "format": "hardcover",
        },
    },
    {
        "category": "science",
        "slug": "inside-the-cell",
        "name": "Inside the Cell",
        "description": (
            "A journey through membranes, ribosomes and mitochondria, the molecular machinery "
            "of life, beautifully illustrated."
        ),
        "price": "21.50",
        "attributes": {
            "author": "Dr. Amara Nwosu",
            "isbn": "9781912348282",
            "pages": 288,
            "language": "en",
            "publisher": "Northlight",
            "year": 2023,
            "format": "hardcover",
        },
    },
    {
        "category": "science",
        "slug": "quantum-mechanics-for-the-curious",
        "name": "Quantum Mechanics for the Curious",
        "description": (
            "Superposition, entanglement and the double-slit experiment without the "
            "mathematics. Clear analogies for readers who always wondered."
        ),
        "price": "16.90",
        "attributes": {
            "author": "Prof. Daniel Aras",
            "isbn": "9781912348299",
            "pages": 248,
            "language": "en",
            "publisher": "Quantum Leaf",
            "year": 2018,
            "format": "paperback",
        },
    },
    {
        "category": "science",
        "slug": "the-chemistry-of-coffee",
        "name": "The Chemistry of Coffee",
        "description": (
            "What happens inside a bean during roasting, and why extraction time changes the "
            "taste in your cup. Food science for home baristas."
        ),
        "price": "27.50",
        "attributes": {
            "author": "Dr. Lucia Ferreira",
            "isbn": "9781912348305",
            "pages": 192,
            "language": "en",
            "publisher": "Larder Books",
            "year": 2022,
            "format": "hardcover",
        },
    },
]

COFFEE: list[ProductData] = [
    # Beans
    {
        "category": "coffee-beans",
        "slug": "ethiopia-yirgacheffe-kochere",
        "name": "Ethiopia Yirgacheffe Kochere",
        "description": (
            "Floral and tea-like, with jasmine, bergamot and lemon zest. A bright light roast "
            "that shines as pour-over."
        ),
        "price": "12.90",
        "attributes": {
            "origin": "Ethiopia",
            "region": "Yirgacheffe, Gedeo",
            "roast": "light",
            "weight_g": 250,
            "process": "washed",
            "altitude_m": 2000,
            "variety": "Ethiopian heirloom",
            "flavour_notes": ["jasmine", "bergamot", "lemon"],
        },
    },
    {
        "category": "coffee-beans",
        "slug": "colombia-huila-el-mirador",
        "name": "Colombia Huila Finca El Mirador",
        "description": (
            "A sweet, balanced everyday coffee from a family farm in Huila: caramel, red apple "
            "and cocoa. Works as filter and espresso."
        ),
        "price": "11.50",
        "attributes": {
            "origin": "Colombia",
            "region": "Huila",
            "roast": "medium",
            "weight_g": 250,
            "process": "washed",
            "altitude_m": 1750,
            "variety": "Caturra, Castillo",
            "flavour_notes": ["caramel", "red apple", "cocoa"],
        },
    },
    {
        "category": "coffee-beans",
        "slug": "brazil-cerrado-mineiro-1kg",
        "name": "Brazil Cerrado Mineiro 1 kg",
        "description": (
            "Nutty and chocolatey with low acidity, in a value bag for the office. Natural "
            "process, roasted medium-dark for milk drinks."
        ),
        "price": "32.00",
        "attributes": {
            "origin": "Brazil",
            "region": "Cerrado Mineiro",
            "roast": "medium-dark",
            "weight_g": 1000,
            "process": "natural",
            "altitude_m": 1100,
            "variety": "Yellow Bourbon",
            "flavour_notes": ["hazelnut", "dark chocolate", "brown sugar"],
        },
    },
    {
        "category": "coffee-beans",
        "slug": "kenya-nyeri-aa",
        "name": "Kenya Nyeri AA",
        "description": (
            "Juicy and vibrant, with blackcurrant, grapefruit and a syrupy body. Large AA "
            "screen beans from a cooperative washing station."
        ),
        "price": "14.50",
        "attributes": {
            "origin": "Kenya",
            "region": "Nyeri",
            "roast": "light",
            "weight_g": 250,
            "process": "washed",
            "altitude_m": 1850,
            "variety": "SL28, SL34",
            "flavour_notes": ["blackcurrant", "grapefruit", "tomato leaf"],
        },
    },
    {
        "category": "coffee-beans",
        "slug": "guatemala-antigua-la-esperanza",
        "name": "Guatemala Antigua La Esperanza",
        "description": (
            "Grown on volcanic soil near Antigua: milk chocolate, toasted almond and orange "
            "peel. A comforting medium roast."
        ),
        "price": "12.50",
        "attributes": {
            "origin": "Guatemala",
            "region": "Antigua",
            "roast": "medium",
            "weight_g": 250,
            "process": "washed",
            "altitude_m": 1600,
            "variety": "Bourbon",
            "flavour_notes": ["milk chocolate", "almond", "orange peel"],
        },
    },
    {
        "category": "coffee-beans",
        "slug": "sumatra-gayo-wet-hulled",
        "name": "Sumatra Gayo Wet-Hulled",
        "description": (
            "Earthy, full-bodied and low in acidity, with cedar and spice. The dark roast for "
            "French press lovers."
        ),
        "price": "11.90",
        "attributes": {
            "origin": "Indonesia",
            "region": "Aceh, Gayo Highlands",
            "roast": "dark",
            "weight_g": 250,
            "process": "wet-hulled",
            "altitude_m": 1500,
            "variety": "Ateng, Tim Tim",
            "flavour_notes": ["cedar", "dark chocolate", "clove"],
        },
    },
    {
        "category": "coffee-beans",
        "slug": "house-espresso-blend-1kg",
        "name": "House Espresso Blend 1 kg",
        "description": (
            "The blend we pull at our counters: Brazilian body with an Ethiopian lift. Thick "
            "crema and notes of praline and cherry."
        ),
        "price": "29.90",
        "attributes": {
            "origin": "Brazil, Ethiopia",
            "roast": "medium-dark",
            "weight_g": 1000,
            "process": "natural and washed",
            "blend": True,
            "flavour_notes": ["praline", "cherry", "cocoa nib"],
        },
    },
    {
        "category": "coffee-beans",
        "slug": "decaf-mexico-chiapas",
        "name": "Decaf Mexico Chiapas (Swiss Water)",
        "description": (
            "Decaffeinated with water only, no solvents, so the sweetness stays: toffee, "
            "walnut and a soft finish. Good at bedtime."
        ),
        "price": "11.90",
        "attributes": {
            "origin": "Mexico",
            "region": "Chiapas",
            "roast": "medium",
            "weight_g": 250,
            "process": "washed, Swiss Water decaf",
            "decaf": True,
            "flavour_notes": ["toffee", "walnut", "malt"],
        },
    },
    {
        "category": "coffee-beans",
        "slug": "panama-geisha-boquete",
        "name": "Panama Geisha Boquete",
        "description": (
            "A rare Geisha lot with peach, honeysuckle and oolong. Brew it carefully and "
            "share it with someone who will notice."
        ),
        "price": "24.90",
        "attributes": {
            "origin": "Panama",
            "region": "Boquete, Chiriquí",
            "roast": "light",
            "weight_g": 100,
            "process": "washed",
            "altitude_m": 1700,
            "variety": "Geisha",
            "flavour_notes": ["peach", "honeysuckle", "oolong"],
        },
    },
    {
        "category": "coffee-beans",
        "slug": "rwanda-nyamasheke-lot-12",
        "name": "Rwanda Nyamasheke Lot 12",
        "description": (
            "Last season's micro-lot from Lake Kivu, with raspberry and hibiscus. Sold out "
            "until the next harvest arrives."
        ),
        "price": "13.90",
        "is_active": False,
        "attributes": {
            "origin": "Rwanda",
            "region": "Nyamasheke",
            "roast": "light",
            "weight_g": 250,
            "process": "natural",
            "altitude_m": 1800,
            "variety": "Red Bourbon",
            "flavour_notes": ["raspberry", "hibiscus", "cane sugar"],
        },
    },
    # Ground
    {
        "category": "ground-coffee",
        "slug": "morning-filter-blend-ground",
        "name": "Morning Filter Blend, ground",
        "description": (
            "Our breakfast blend ground for drip machines and paper filters. Round and "
            "mellow, with milk chocolate and stone fruit."
        ),
        "price": "8.90",
        "attributes": {
            "origin": "Colombia, Honduras",
            "roast": "medium",
            "weight_g": 250,
            "process": "washed",
            "grind": "medium (filter)",
            "flavour_notes": ["milk chocolate", "plum"],
        },
    },
    {
        "category": "ground-coffee",
        "slug": "italian-espresso-fine-ground",
        "name": "Italian Espresso, fine ground",
        "description": (
            "Classic southern-Italian style: dark, intense and bittersweet. Ground fine for "
            "portafilter machines."
        ),
        "price": "7.90",
        "attributes": {
            "origin": "Brazil, India",
            "roast": "dark",
            "weight_g": 250,
            "process": "natural",
            "grind": "fine (espresso)",
            "flavour_notes": ["bittersweet chocolate", "roasted nuts"],
        },
    },
    {
        "category": "ground-coffee",
        "slug": "honduras-french-press-coarse",
        "name": "Honduras Marcala, coarse for French press",
        "description": (
            "A creamy Honduran coffee ground coarse so your plunger glides. Expect honey, "
            "baked apple and a long, clean finish."
        ),
        "price": "9.50",
        "attributes": {
            "origin": "Honduras",
            "region": "Marcala",
            "roast": "medium",
            "weight_g": 250,
            "process": "honey",
            "grind": "coarse (French press)",
            "flavour_notes": ["honey", "baked apple"],
        },
    },
    {
        "category": "ground-coffee",
        "slug": "decaf-house-blend-ground",
        "name": "Decaf House Blend, ground",
        "description": (
            "All the comfort of an afternoon cup without the caffeine. Ground for filter and "
            "cafetière, sugar-cane decaffeinated."
        ),
        "price": "8.90",
        "attributes": {
            "origin": "Colombia",
            "roast": "medium",
            "weight_g": 250,
            "process": "sugar-cane decaf",
            "decaf": True,
            "grind": "medium (filter)",
            "flavour_notes": ["caramel", "biscuit"],
        },
    },
    {
        "category": "ground-coffee",
        "slug": "cold-brew-coarse-blend",
        "name": "Cold Brew Coarse Blend 500 g",
        "description": (
            "Steep overnight in the fridge for a smooth, naturally sweet concentrate. Extra "
            "coarse grind, enough for about four litres."
        ),
        "price": "13.90",
        "attributes": {
            "origin": "Brazil, Guatemala",
            "roast": "medium-dark",
            "weight_g": 500,
            "process": "natural and washed",
            "grind": "extra coarse (cold brew)",
            "flavour_notes": ["cola", "molasses", "cocoa"],
        },
    },
    # Equipment
    {
        "category": "coffee-equipment",
        "slug": "ceramic-pour-over-dripper-02",
        "name": "Ceramic Pour-Over Dripper, size 02",
        "description": (
            "A cone dripper with spiral ribs for an even, quick draw-down. Porcelain keeps "
            "the brew temperature stable; brews one to four cups."
        ),
        "price": "24.00",
        "attributes": {
            "material": "porcelain",
            "capacity_ml": 700,
            "cups": "1-4",
            "filter_size": "02",
            "colour": "white",
            "dishwasher_safe": True,
        },
    },
    {
        "category": "coffee-equipment",
        "slug": "glass-coffee-server-600ml",
        "name": "Glass Coffee Server 600 ml",
        "description": (
            "Heat-resistant borosilicate carafe with a spout that never drips. Fits on top of "
            "most drippers and shows your brew ratio at a glance."
        ),
        "price": "19.90",
        "attributes": {
            "material": "borosilicate glass",
            "capacity_ml": 600,
            "dishwasher_safe": True,
        },
    },
    {
        "category": "coffee-equipment",
        "slug": "french-press-8-cup",
        "name": "French Press, 8 cups",
        "description": (
            "Double stainless mesh filter and a sturdy steel frame around a glass beaker. Full "
            "immersion brewing for rich, heavy-bodied coffee."
        ),
        "price": "34.90",
        "attributes": {
            "material": "stainless steel, borosilicate glass",
            "capacity_ml": 1000,
            "cups": "8",
            "dishwasher_safe": True,
        },
    },
    {
        "category": "coffee-equipment",
        "slug": "hand-grinder-conical-burr",
        "name": "Hand Grinder with Conical Burrs",
        "description": (
            "Forty clicks of adjustment from Turkish to cold brew. Hardened steel burrs grind "
            "a uniform dose in under a minute, and it fits in a backpack."
        ),
        "price": "59.00",
        "attributes": {
            "material": "aluminium body, hardened steel burrs",
            "capacity_g": 30,
            "grind_settings": 40,
            "weight_g": 480,
        },
    },
    {
        "category": "coffee-equipment",
        "slug": "gooseneck-kettle-1l",
        "name": "Electric Gooseneck Kettle 1 l",
        "description": (
            "Precise pouring and temperature control to the degree, with a hold-warm mode. The "
            "slim spout makes slow, even circles easy."
        ),
        "price": "69.00",
        "attributes": {
            "material": "stainless steel",
            "capacity_ml": 1000,
            "power_w": 1200,
            "temperature_range_c": [40, 100],
            "plug": "EU",
        },
    },
    {
        "category": "coffee-equipment",
        "slug": "stovetop-moka-pot-6-cup",
        "name": "Stovetop Moka Pot, 6 cups",
        "description": (
            "The Italian classic in polished aluminium: strong, espresso-like coffee on gas or "
            "electric hobs. Spare gasket included."
        ),
        "price": "32.50",
        "attributes": {
            "material": "aluminium",
            "capacity_ml": 300,
            "cups": "6",
            "induction": False,
        },
    },
    {
        "category": "coffee-equipment",
        "slug": "paper-filters-02-100",
        "name": "Paper Filters, size 02 (100 pieces)",
        "description": (
            "Unbleached, oxygen-whitened cone filters for size 02 drippers. No papery taste; "
            "rinse once before brewing."
        ),
        "price": "5.50",
        "attributes": {
            "material": "unbleached paper",
            "filter_size": "02",
            "pieces": 100,
            "compostable": True,
        },
    },
    {
        "category": "coffee-equipment",
        "slug": "insulated-travel-mug-350ml",
        "name": "Insulated Travel Mug 350 ml",
        "description": (
            "Double-walled steel keeps drinks hot for four hours; the leak-proof lid fits in "
            "a bag. Bring it along and save 20 cents on every drink to go."
        ),
        "price": "22.90",
        "attributes": {
            "material": "stainless steel, double-walled",
            "capacity_ml": 350,
            "keeps_hot_h": 4,
            "dishwasher_safe": False,
        },
    },
    {
        "category": "coffee-equipment",
        "slug": "milk-frothing-pitcher-350ml",
        "name": "Milk Frothing Pitcher 350 ml",
        "description": (
            "A steaming jug with a sharp spout for latte art. Discontinued; replaced by a new "
            "model next season."
        ),
        "price": "16.00",
        "is_active": False,
        "attributes": {
            "material": "stainless steel",
            "capacity_ml": 350,
        },
    },
    # Drinks to go
    {
        "category": "drinks-to-go",
        "slug": "flat-white",
        "name": "Flat White",
        "description": (
            "A double ristretto under silky, thin microfoam. Small, strong and velvety: the "
            "barista's favourite."
        ),
        "price": "3.60",
        "attributes": {
            "size_ml": 240,
            "temperature": "hot",
            "shots": 2,
            "milk": ["whole", "oat", "soy"],
            "vegan_option": True,
        },
    },
    {
        "category": "drinks-to-go",
        "slug": "cappuccino",
        "name": "Cappuccino",
        "description": (
            "Espresso with equal parts steamed milk and airy foam, dusted with cocoa on request."
        ),
        "price": "3.40",
        "attributes": {
            "size_ml": 300,
            "temperature": "hot",
            "shots": 1,
            "milk": ["whole", "oat", "soy", "lactose-free"],
            "vegan_option": True,
        },
    },
    {
        "category": "drinks-to-go",
        "slug": "oat-milk-latte",
        "name": "Oat Milk Latte",
        "description": (
            "A mild, creamy latte made with barista oat drink. Plant-based, naturally sweet "
            "and gentle on the stomach."
        ),
        "price": "3.90",
        "attributes": {
            "size_ml": 350,
            "temperature": "hot",
            "shots": 1,
            "milk": ["oat"],
            "vegan": True,
        },
    },
    {
        "category": "drinks-to-go",
        "slug": "filter-coffee-of-the-day",
        "name": "Filter Coffee of the Day",
        "description": (
            "A batch brew of today's single origin; ask at the counter which farm it comes "
            "from. Free refill if you stay in."
        ),
        "price": "2.50",
        "attributes": {
            "size_ml": 350,
            "temperature": "hot",
            "milk": ["none", "whole", "oat"],
            "vegan_option": True,
        },
    },
    {
        "category": "drinks-to-go",
        "slug": "iced-cold-brew",
        "name": "Iced Cold Brew",
        "description": (
            "Steeped for eighteen hours, served over ice. Refreshing, low in bitterness and "
            "surprisingly strong."
        ),
        "price": "3.80",
        "attributes": {
            "size_ml": 400,
            "temperature": "iced",
            "milk": ["none", "oat"],
            "vegan": True,
        },
    },
    {
        "category": "drinks-to-go",
        "slug": "chai-latte",
        "name": "Chai Latte",
        "description": (
            "Black tea simmered with cardamom, cinnamon, ginger and pepper, topped with "
            "steamed milk. Coffee-free comfort."
        ),
        "price": "3.70",
        "attributes": {
            "size_ml": 350,
            "temperature": "hot",
            "contains_coffee": False,
            "milk": ["whole", "oat", "soy"],
            "vegan_option": True,
        },
    },
    {
        "category": "drinks-to-go",
        "slug": "espresso-tonic",
        "name": "Espresso Tonic",
        "description": (
            "A shot of bright espresso poured over tonic water, ice and a slice of orange. "
            "Bitter, fizzy and perfect on a summer afternoon."
        ),
        "price": "4.20",
        "attributes": {
            "size_ml": 300,
            "temperature": "iced",
            "shots": 1,
            "vegan": True,
        },
    },
]

PRODUCTS: list[ProductData] = BOOKS + COFFEE

# --- stores -----------------------------------------------------------------------------------

BERLIN = "Kreuzberg Bookshop"
LONDON = "Clerkenwell Coffee Bar"
NEW_YORK = "Brooklyn Books & Coffee"

STORES: list[StoreData] = [
    {
        "name": BERLIN,
        "address": "Bergmannstraße 25, 10961 Berlin, Germany",
        "city": "Berlin",
        "latitude": Decimal("52.489110"),
        "longitude": Decimal("13.393670"),
        "timezone": "Europe/Berlin",
        # A small bookshop: closed for lunch on weekdays, short Saturday, closed on Sunday.
        "opening_hours": {
            "mon": [["09:30", "13:00"], ["14:00", "19:00"]],
            "tue": [["09:30", "13:00"], ["14:00", "19:00"]],
            "wed": [["09:30", "13:00"], ["14:00", "19:00"]],
            "thu": [["09:30", "13:00"], ["14:00", "20:00"]],
            "fri": [["09:30", "13:00"], ["14:00", "19:00"]],
            "sat": [["10:00", "16:00"]],
            "sun": [],
        },
        "phone": "+49 30 0000 1001",
        "email": "kreuzberg@example.com",
    },
    {
        "name": LONDON,
        "address": "34 Exmouth Market, London EC1R 4QE, United Kingdom",
        "city": "London",
        "latitude": Decimal("51.525980"),
        "longitude": Decimal("-0.108990"),
        "timezone": "Europe/London",
        # A take-away coffee bar: early mornings, open every day.
        "opening_hours": {
            "mon": [["07:00", "18:00"]],
            "tue": [["07:00", "18:00"]],
            "wed": [["07:00", "18:00"]],
            "thu": [["07:00", "18:00"]],
            "fri": [["07:00", "18:00"]],
            "sat": [["08:00", "17:00"]],
            "sun": [["09:00", "16:00"]],
        },
        "phone": "+44 20 7946 0321",
        "email": "clerkenwell@example.com",
    },
    {
        "name": NEW_YORK,
        "address": "212 Bedford Avenue, Brooklyn, NY 11249, USA",
        "city": "New York",
        "latitude": Decimal("40.717240"),
        "longitude": Decimal("-73.957390"),
        "timezone": "America/New_York",
        # Books and a coffee counter: late nights on Friday and Saturday, past midnight.
        "opening_hours": {
            "mon": [["08:00", "21:00"]],
            "tue": [["08:00", "21:00"]],
            "wed": [["08:00", "21:00"]],
            "thu": [["08:00", "22:00"]],
            "fri": [["08:00", "01:00"]],
            "sat": [["09:00", "01:00"]],
            "sun": [["10:00", "19:00"]],
        },
        "phone": "+1 718 555 0142",
        "email": "brooklyn@example.com",
    },
]

# --- stock ------------------------------------------------------------------------------------
# store name -> product slug -> quantity. A product missing here is not in that store's
# assortment at all; a 0 is in the assortment but sold out.

STOCK: dict[str, dict[str, int]] = {
    BERLIN: {
        # every book, German titles deep
        "the-lighthouse-keepers-daughter": 6,
        "winter-in-lisbon": 4,
        "die-stille-der-kraniche": 12,
        "a-map-of-small-rivers": 3,
        "the-clockmaker-of-prague": 5,
        "midnight-at-the-orchard-hotel": 7,
        "salt-and-cinder": 0,
        "nachtzug-nach-triest": 9,
        "the-paper-garden-first-edition": 0,
        "the-slow-kitchen": 4,
        "walking-the-rhine": 8,
        "habits-of-quiet-minds": 3,
        "a-short-history-of-coffee-houses": 5,
        "berlin-zehn-strassen": 15,
        "the-money-conversation": 2,
        "letters-from-the-atlas-mountains": 1,
        "pip-the-lighthouse-mouse": 6,
        "the-dragon-who-hated-bedtime": 5,
        "max-und-das-fliegende-fahrrad": 11,
        "the-secret-club-of-willow-street": 4,
        "counting-stars": 8,
        "the-treehouse-detectives": 0,
        "ellas-rainy-day-adventure": 3,
        "the-hidden-life-of-fungi": 4,
        "why-the-sky-is-dark-at-night": 3,
        "small-numbers-big-ideas": 2,
        "the-restless-earth": 5,
        "inside-the-cell": 2,
        "quantum-mechanics-for-the-curious": 6,
        "the-chemistry-of-coffee": 3,
        # a small coffee shelf by the till
        "ethiopia-yirgacheffe-kochere": 10,
        "colombia-huila-el-mirador": 12,
        "house-espresso-blend-1kg": 4,
        "decaf-mexico-chiapas": 0,
        "morning-filter-blend-ground": 8,
        "italian-espresso-fine-ground": 6,
        "ceramic-pour-over-dripper-02": 3,
        "paper-filters-02-100": 20,
    },
    LONDON: {
        # coffee first
        "ethiopia-yirgacheffe-kochere": 24,
        "colombia-huila-el-mirador": 30,
        "brazil-cerrado-mineiro-1kg": 8,
        "kenya-nyeri-aa": 18,
        "guatemala-antigua-la-esperanza": 20,
        "sumatra-gayo-wet-hulled": 0,
        "house-espresso-blend-1kg": 15,
        "decaf-mexico-chiapas": 9,
        "panama-geisha-boquete": 4,
        "rwanda-nyamasheke-lot-12": 0,
        "morning-filter-blend-ground": 16,
        "italian-espresso-fine-ground": 14,
        "honduras-french-press-coarse": 10,
        "decaf-house-blend-ground": 7,
        "cold-brew-coarse-blend": 5,
        "ceramic-pour-over-dripper-02": 6,
        "glass-coffee-server-600ml": 4,
        "french-press-8-cup": 3,
        "hand-grinder-conical-burr": 2,
        "gooseneck-kettle-1l": 0,
        "stovetop-moka-pot-6-cup": 5,
        "paper-filters-02-100": 40,
        "insulated-travel-mug-350ml": 12,
        "flat-white": 200,
        "cappuccino": 200,
        "oat-milk-latte": 150,
        "filter-coffee-of-the-day": 120,
        "iced-cold-brew": 60,
        "chai-latte": 80,
        "espresso-tonic": 40,
        # and a couple of books about coffee
        "a-short-history-of-coffee-houses": 3,
        "the-chemistry-of-coffee": 2,
    },
    NEW_YORK: {
        # English-language books
        "the-lighthouse-keepers-daughter": 5,
        "winter-in-lisbon": 3,
        "a-map-of-small-rivers": 4,
        "the-clockmaker-of-prague": 0,
        "midnight-at-the-orchard-hotel": 9,
        "salt-and-cinder": 11,
        "the-slow-kitchen": 2,
        "habits-of-quiet-minds": 6,
        "a-short-history-of-coffee-houses": 4,
        "the-money-conversation": 5,
        "pip-the-lighthouse-mouse": 3,
        "the-dragon-who-hated-bedtime": 4,
        "the-secret-club-of-willow-street": 6,
        "counting-stars": 0,
        "the-treehouse-detectives": 5,
        "the-hidden-life-of-fungi": 3,
        "why-the-sky-is-dark-at-night": 4,
        "inside-the-cell": 1,
        "quantum-mechanics-for-the-curious": 3,
        "the-chemistry-of-coffee": 5,
        # beans, gear and the coffee counter
        "colombia-huila-el-mirador": 14,
        "brazil-cerrado-mineiro-1kg": 6,
        "kenya-nyeri-aa": 0,
        "guatemala-antigua-la-esperanza": 10,
        "sumatra-gayo-wet-hulled": 8,
        "house-espresso-blend-1kg": 9,
        "cold-brew-coarse-blend": 7,
        "french-press-8-cup": 4,
        "hand-grinder-conical-burr": 3,
        "insulated-travel-mug-350ml": 10,
        "flat-white": 150,
        "cappuccino": 150,
        "oat-milk-latte": 120,
        "filter-coffee-of-the-day": 100,
        "iced-cold-brew": 90,
        "espresso-tonic": 0,
    },
}
