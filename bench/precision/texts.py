"""Text pools for the precision/recall corpus: realistic patient-education prose, en and es.

Every pool entry is correct text. Many are deliberate look-alikes of what the rules catch:
accents and NFD accents, curly quotes, dashes, units (µg/m², °C, ±, ≥), trademarks, Greek
letters, "TODO list", "to be determined", Spanish "todo", Roman numerals, link text such as
"[Enter your ZIP code]", code spans holding placeholders and links, HTML comments with notes,
"stay connected" and "privacy policy" in ordinary advice, "medical review" in prose.
"""

from __future__ import annotations

# (name, brand, cancer slug, words for the cancer in English, in Spanish)
DRUGS = [
    ("trastuzumab", "Herceptin", "breast", "breast cancer", "cáncer de mama"),
    ("pertuzumab", "Perjeta", "breast", "breast cancer", "cáncer de seno"),
    ("tamoxifen", "Soltamox", "breast", "breast cancer", "cáncer de mama"),
    ("letrozole", "Femara", "breast", "breast cancer", "cáncer de mama"),
    (
        "sorafenib",
        "Nexavar",
        "liver",
        "liver cancer (hepatocellular carcinoma)",
        "cáncer de hígado",
    ),
    ("osimertinib", "Tagrisso", "lung", "non-small cell lung cancer", "cáncer de pulmón"),
    ("pembrolizumab", "Keytruda", "melanoma", "melanoma", "melanoma"),
    ("enzalutamide", "Xtandi", "prostate", "prostate cancer", "cáncer de próstata"),
    ("olaparib", "Lynparza", "ovarian", "ovarian cancer", "cáncer de ovario"),
    ("rituximab", "Rituxan", "lymphoma", "non-Hodgkin lymphoma", "linfoma no Hodgkin"),
    ("imatinib", "Gleevec", "leukemia", "chronic myeloid leukemia", "leucemia mieloide crónica"),
    ("capecitabine", "Xeloda", "colorectal", "colorectal cancer", "cáncer colorrectal"),
    ("bortezomib", "Velcade", "myeloma", "multiple myeloma", "mieloma múltiple"),
    ("lenvatinib", "Lenvima", "thyroid", "thyroid cancer", "cáncer de tiroides"),
    ("sunitinib", "Sutent", "kidney", "kidney cancer (renal cell carcinoma)", "cáncer de riñón"),
    (
        "temozolomide",
        "Temodar",
        "brain",
        "glioblastoma, a brain tumor",
        "glioblastoma (tumor cerebral)",
    ),
]

SOURCES = [
    (
        "NCI",
        "02_nci_core",
        "https://www.cancer.gov/about-cancer/treatment/drugs/{slug}",
        "public_domain",
    ),
    (
        "ACS",
        "03_acs_core",
        "https://www.cancer.org/cancer/treatment/drugs/{slug}.html",
        "all-rights-reserved",
    ),
    (
        "LBBC",
        "05_nonprofit",
        "https://www.lbbc.org/about-breast-cancer/treatments/{slug}",
        "cc-by-nc-4.0",
    ),
    ("MedlinePlus", "04_nlm", "https://medlineplus.gov/druginfo/meds/{slug}.html", "public_domain"),
]

REVIEWERS = [
    "Ilana Schlam, MD, MPH",
    "María José Fernández-Núñez, MD",
    "Anh Do, RN, OCN",
    "Zoë Brontë, PharmD",
    "Kwame Mensah, M.D., Ph.D.",
    "Sarah O’Connor, NP",
    "Jürgen Müller, MD",
    "Priya Raghunathan, DO",
]
UNCREDENTIALED = ["Jane Smith, Content Editor", "Dr. Sam Lee", "Marketing Team", "Ms. Kim Park"]

EN_PARAS = [
    "{Name} is a type of targeted therapy used to treat {cancer}. It is given by vein (IV) or "
    "by mouth, depending on the form your doctor prescribes. Your care team will explain how "
    "often you get it — usually every 3 weeks — and for how long.",
    "Common side effects of {name} include fatigue, nausea, diarrhea, and low blood counts. "
    "Call your doctor right away if you have a fever of 100.4 °F (38 °C) or higher, chills, or "
    "signs of infection. Some people notice tingling in the hands or feet.",
    "Before starting {name}, tell your doctor about any heart, lung, or kidney problems and about "
    "all medicines you take, including vitamins and herbal supplements. It’s important not to "
    "become pregnant during treatment and for 7 months after the last dose.",
    "The usual dose is calculated from your body size: for example 1.5 mg/m² on day 1, or a "
    "fixed dose of 400 mg. Blood levels are checked; a level ≥ 5 µg/mL or a change of ± 10 % may "
    "lead your doctor to adjust the dose.",
    "Store the tablets at room temperature, 20–25 °C, away from moisture. Do not crush or chew "
    "them. If you miss a dose, take it as soon as you remember — unless it is almost time for "
    "the next one.",
    "Keep a TODO list of questions for your next visit, and write down when each side effect "
    "started. The date of your next scan is still to be determined; your nurse will call you.",
    "{Brand}™ is a registered trademark. In studies, the α-fetoprotein and β-hCG markers were "
    "measured, along with TNF-α; about ½ of patients had a response.",
    "“Ask me anything,” says one oncology nurse. “There are no silly questions — especially "
    "about side effects.” Patients often say the first cycle is the hardest.",
    "Stay connected with friends and family during treatment; isolation can make fatigue feel "
    "worse. Many hospitals let you sign up to receive appointment reminders by text message.",
    "Ask the clinic about its privacy policy if you worry about who can see your records. Medical "
    "review of your case by a tumor board may also be offered.",
    "In a clinical trial, researchers compared {name} with standard chemotherapy in people with "
    "{cancer}. People who got {name} lived longer without the cancer growing (a median of "
    "14 months vs 9 months).",
    "You may need tests before and during treatment: an echocardiogram every 3 months to check "
    "heart function, blood tests for liver enzymes, and a pregnancy test for women who could "
    "become pregnant.",
    "Support is available. Social workers, nurse navigators, and patient groups can help with "
    "the cost of treatment, transportation, and the emotional side of living with cancer.",
    "Some forms of {name} are given as an injection under the skin (subcutaneous) in about "
    "5 minutes, instead of a 30–90 minute infusion. Ask whether this option is right for you.",
]

ES_PARAS = [
    "{Name} es un tipo de terapia dirigida que se usa para tratar el {cancer}. Se administra por "
    "vía intravenosa o por boca, según la forma que le recete su médico. Su equipo le explicará "
    "cada cuánto tiempo lo recibirá — por lo general, cada 3 semanas.",
    "Los efectos secundarios más comunes del {name} son el cansancio, las náuseas, la diarrea y "
    "los recuentos sanguíneos bajos. Llame a su médico de inmediato si tiene fiebre de 38 °C o "
    "más, escalofríos o señales de infección.",
    "Antes de empezar el tratamiento, hable con su médico sobre cualquier problema del corazón, "
    "los pulmones o los riñones. Sobre todo, no olvide mencionar todos los medicamentos que toma, "
    "incluidas las vitaminas y los suplementos de hierbas.",
    "La dosis habitual se calcula según el tamaño de su cuerpo: por ejemplo, 1,5 mg/m² el día 1. "
    "Si el nivel en sangre es ≥ 5 µg/mL o cambia ± 10 %, su médico puede ajustar la dosis.",
    "«¿Cuándo empiezo?» y “¿cuánto dura?” son preguntas frecuentes. Todo el equipo de atención "
    "—médicos, enfermeras y farmacéuticos— está para ayudarle. Año tras año, más pacientes "
    "reciben este tratamiento.",
    "Guarde las pastillas a temperatura ambiente, entre 20 y 25 °C. No las triture ni las "
    "mastique. Si olvida una dosis, tómela en cuanto se acuerde, a menos que ya casi sea la "
    "hora de la siguiente.",
    "Manténgase en contacto con su familia y sus amigos durante el tratamiento. Pregunte en la "
    "clínica por su política de privacidad si le preocupa quién puede ver su historial.",
    "En un estudio clínico, los investigadores compararon el {name} con la quimioterapia estándar "
    "en personas con {cancer}. Quienes recibieron {name} vivieron más tiempo sin que el cáncer "
    "creciera. El XXX Congreso Nacional de Oncología presentó los resultados.",
    "Puede necesitar pruebas antes y durante el tratamiento: un ecocardiograma cada 3 meses, "
    "análisis de sangre para las enzimas del hígado y una prueba de embarazo. Niño, pingüino, "
    "acción, corazón: el español tiene muchos acentos.",
    "Hay apoyo disponible. Los trabajadores sociales y los grupos de pacientes pueden ayudarle "
    "con el costo del tratamiento, el transporte y el lado emocional de vivir con cáncer.",
]

EN_HEADINGS = [
    "How {name} is given",
    "Side effects",
    "Before you start",
    "Dosing",
    "Storage",
    "Questions for your doctor",
    "Research results",
    "Tests during treatment",
    "Getting support",
    "Other ways to get {name}",
]
ES_HEADINGS = [
    "Cómo se administra",
    "Efectos secundarios",
    "Antes de empezar",
    "Dosis",
    "Preguntas frecuentes",
    "Cómo guardar el medicamento",
    "Resultados de estudios",
    "Pruebas durante el tratamiento",
    "Apoyo",
]

# Correct lines that look like defects to a careless rule (code, comments, link text, prose).
EN_LOOKALIKES = [
    "Use the [Enter your ZIP code](https://www.cancer.gov/research/participate/"
    "clinical-trials-search) tool to find a trial near you.",
    "In templates we write `{{ drug_name }}`, `TODO: fix` and `[x](/nope/missing.md)`; in code "
    "they are text.",
    "<!-- TODO: add an infusion chair photo before publishing -->",
    "Words like TBDx, XXXL t-shirt sizes, lower-case tbd and FIXMEs without a colon are not "
    "markers.",
    "- New treatments may be coming soon, say researchers.",
    "Call 1-800-4-CANCER (1-800-422-6237) for free information in English or Spanish.",
    "Naïve T cells, the façade of a clinic, a résumé; Łódź, Dvořák and São Paulo are names.",
    "Medical review boards meet monthly; a medical reviewer signs off every page.",
    "Emoji 👩\u200d⚕️ and NBSP\u00a0between 5\u00a0mg are fine; so is a tab\tin text.",
    "Patients came from SÃO PAULO and from IRMÃ DULCE hospital; Ångström, Øresund, Ærø.",
    "Quotes „like this“ and ‚this‘, «these», and ‹these›; ellipsis… bullet • dagger † degree °.",
    "Read the [side effects](#side-effects) section again, or the [top](#top) of the page.",
    "Mathematical notation: x ≠ y, a ≤ b, ∑ of doses, √2, π ≈ 3.14, ∞; ¬p in logic.",
    "Lorem is not a drug, ipsum is not a symptom; placeholder means a tooth spacer to dentists.",
]
ES_LOOKALIKES = [
    "Use el [buscador de estudios clínicos](https://www.cancer.gov/espanol/investigacion/"
    "participe) para encontrar un estudio cerca de usted.",
    "En el siglo XXX nadie recordará esto; el XXX Congreso fue en Madrid.",
    "Sobre todo: descanse. Todo el equipo le ayudará; todos los días, tome agua.",
    "La revisión médica de su caso puede incluir a varios especialistas.",
    "<!-- TODO: revisar la traducción con la enfermera -->",
    "Próximamente habrá nuevos tratamientos, dicen los investigadores; todo a su tiempo.",
    "¿Qué es la quimioterapia? ¡Pregunte! «Él» dijo: “está bien” — sí.",
    "Vea la sección de [efectos secundarios](#efectos-secundarios) otra vez.",
]

FOOTERS = [
    [
        "Stay connected",
        "Sign up to receive emotional support, medical insight, personal stories, and more, "
        "delivered to your inbox weekly.",
        "{Org} is a national nonprofit organization. For more information, learn more about our "
        "programs and services.",
    ],
    ["Share this page"],
    ["© 2025 {Org}. All rights reserved."],
    [
        "- [Privacy policy](https://example.org/privacy) | [Cookie policy](https://example.org/cookies)"
    ],
    ["Follow us on Facebook, Instagram and YouTube. Donate today to fund research."],
    ["Síganos en Facebook e Instagram.", "Suscríbase a nuestro boletín para recibir noticias."],
]
