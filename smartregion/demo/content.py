"""Demo content written from the five seed articles (../shared/seeds). Every entry is marked
"Demo-Eintrag"; organizations are the ones the articles name, their offers and needs say only
what the articles say or are plainly marked as invented examples. No real person is named."""

ORGANIZATIONS = [
    {
        "owner": "akteur@demo.smartregion.invalid",
        "name": "WiN Emscher-Lippe GmbH",
        "kind": "competence_center",
        "short_description": "Wirtschaftsförderung der Emscher-Lippe-Region und Trägerin der Marke "
        "SMART REGION Emscher-Lippe.",
        "description": "Die WiN Emscher-Lippe GmbH bündelt unter der Marke **SMART REGION "
        "Emscher-Lippe** die digitalen Kräfte der Region: Kommunen, Hochschulen und Unternehmen. "
        "Mit dem Projekt SMART NETWORKS erstellt sie eine Übersicht aller "
        "Digitalisierungs-Angebote, um Synergien aufzuzeigen und zu erzeugen.",
        "postal_code": "45657",
        "city": "Recklinghausen",
        "topics": ["smart-economy", "e-government", "wissensmanagement"],
        "audiences": ["kmu", "kommunen", "startups"],
        "member": True,
        "offers": [
            {
                "title": "Digi Meetup und Digital Dinner",
                "kind": "event_format",
                "cost": "free",
                "description": "Netzwerktreffen der SMART REGION Emscher-Lippe: digitale "
                "Pionierinnen und Pioniere aus Unternehmen, Hochschulen und Kommunen lernen "
                "voneinander und finden Partner für gemeinsame Projekte.",
                "topics": ["smart-economy"],
                "audiences": ["kmu", "startups", "kommunen", "hochschulen"],
            },
            {
                "title": "Übersicht aller Digitalisierungs-Angebote (SMART NETWORKS)",
                "kind": "consulting",
                "cost": "free",
                "description": "Wir zeigen, wer in der Region welche digitalen Angebote hat, "
                "und bringen passende Partner zusammen.",
                "topics": ["smart-economy", "wissensmanagement"],
                "audiences": ["kmu", "handwerk", "handel"],
            },
        ],
        "needs": [
            {
                "title": "Unternehmen für Round Tables zu Prozessmanagement und Cybersicherheit",
                "description": "Für die regelmäßigen Round Tables der Mitglieder suchen wir "
                "Unternehmen, die ihr Wissen zu Prozessmanagement, digitalem Zwilling, Predictive "
                "Maintenance oder Cybersicherheit teilen.",
                "topics": ["prozessmanagement", "cybersicherheit", "digitaler-zwilling"],
            }
        ],
    },
    {
        "owner": "akteur@demo.smartregion.invalid",
        "name": "Westfälische Hochschule",
        "kind": "university",
        "short_description": "Hochschule mit dem Projekt „futureWork“ und dem Co.Laboratorium "
        "„Daig“ im Halfmannshof.",
        "description": "Das Projekt „futureWork“ der Westfälischen Hochschule erforscht "
        "kollaborative Arbeitsweisen in der Kreativbranche und erprobt dafür digitale Technik – "
        "im Co.Laboratorium „Daig“ in der Künstlersiedlung Halfmannshof in Gelsenkirchen.",
        "postal_code": "45897",
        "city": "Gelsenkirchen",
        "topics": ["vr-ar", "kreativwirtschaft", "new-work"],
        "audiences": ["kreative", "hochschulen"],
        "member": True,
        "offers": [
            {
                "title": "Co.Laboratorium „Daig“: digitales Labor für Kreative",
                "kind": "lab",
                "cost": "funded",
                "description": "Bis zu zehn Kreative arbeiten im „Daig“ im Halfmannshof "
                "zusammen, drei können dort auch wohnen. Sie probieren Telebildschirme und "
                "Brillen zur realitätserweiternden Darstellung aus und entwickeln mit dem Team "
                "von futureWork Software für kreatives Arbeiten.",
                "topics": ["vr-ar", "kreativwirtschaft", "new-work"],
                "audiences": ["kreative"],
            },
            {
                "title": "Forschungskooperation: kollaborative Arbeit in der Kreativbranche",
                "kind": "research",
                "cost": "",
                "description": "futureWork beobachtet kreative Arbeitsprozesse und entwickelt "
                "darauf aufbauend unterstützende Softwarelösungen – auch für Buchhaltung und "
                "Angebotserstellung.",
                "topics": ["kreativwirtschaft", "wissensmanagement"],
                "audiences": ["kreative", "kmu"],
            },
        ],
        "needs": [],
    },
    {
        "owner": "einreichung@demo.smartregion.invalid",
        "name": "mimir",
        "kind": "company",
        "short_description": "Unterstützt Schulen bei der Digitalisierung und im Umgang mit "
        "digitalen Tools.",
        "description": "mimir aus Waltrop begleitet Schulen bei der Digitalisierung und im Umgang "
        "mit digitalen Werkzeugen.",
        "postal_code": "45731",
        "city": "Waltrop",
        "topics": ["bildung-schulen"],
        "audiences": ["schulen"],
        "pending": True,  # waits in the moderation queue of the demo
        "offers": [],
        "needs": [],
    },
    {
        "name": "NetTrek",
        "kind": "company",
        "short_description": "Dorstener Digitalunternehmen; hat die Round Tables der SMART REGION "
        "initiiert.",
        "description": "NetTrek aus Dorsten hat die Round Tables der SMART REGION Emscher-Lippe "
        "initiiert: regelmäßige Treffen, in denen Unternehmen Daten und Wissen teilen – ob "
        "Prozessmanagement, digitaler Zwilling, Predictive Maintenance oder Cybersicherheit.",
        "postal_code": "46282",
        "city": "Dorsten",
        "topics": [
            "prozessmanagement",
            "digitaler-zwilling",
            "predictive-maintenance",
            "cybersicherheit",
        ],
        "audiences": ["kmu"],
        "member": True,
        "offers": [
            {
                "title": "Round Table Prozessmanagement und digitaler Zwilling",
                "kind": "event_format",
                "cost": "free",
                "description": "Regelmäßiger Gedankenaustausch der Mitgliedsunternehmen: "
                "gemeinsam mehr erreichen, als es jeder allein könnte.",
                "topics": ["prozessmanagement", "digitaler-zwilling", "predictive-maintenance"],
                "audiences": ["kmu"],
            }
        ],
        "needs": [],
    },
    {
        "name": "Extended",
        "kind": "company",
        "short_description": "Digitalunternehmen aus Castrop-Rauxel, das die Region mit "
        "voranbringen will.",
        "description": "Extended aus Castrop-Rauxel engagiert sich in der SMART REGION "
        "Emscher-Lippe. *Das folgende Angebot ist ein erfundenes Beispiel der Demo.*",
        "postal_code": "44575",
        "city": "Castrop-Rauxel",
        "topics": ["vr-ar"],
        "audiences": ["handel", "handwerk"],
        "offers": [
            {
                "title": "Virtual Reality für Handel und Handwerk (Beispiel)",
                "kind": "service",
                "cost": "paid",
                "description": "Erfundenes Demo-Angebot: VR-Anwendungen, mit denen Handel und "
                "Handwerk Produkte zeigen, bevor es sie gibt.",
                "topics": ["vr-ar", "digitales-handwerk"],
                "audiences": ["handel", "handwerk"],
            }
        ],
        "needs": [],
    },
    {
        "name": "Prosoz Herten GmbH",
        "kind": "company",
        "short_description": "Software und Change Management für Verwaltungen.",
        "description": "Prosoz Herten setzt auf Aufklärung und Beteiligung: Digitalisierung "
        "gelingt, wenn alle einbezogen werden – Wissensmanagement funktioniert vor allem durch "
        "Tandem-Partnerschaften aus Jung und Alt.",
        "postal_code": "45699",
        "city": "Herten",
        "topics": ["e-government", "wissensmanagement"],
        "audiences": ["kommunen"],
        "offers": [
            {
                "title": "Change Management für die digitale Verwaltung",
                "kind": "consulting",
                "cost": "paid",
                "description": "Begleitung von Verwaltungen im Wandel: die Menschen abholen, "
                "Organisationswissen mobilisieren, Tandems aus Jung und Alt bilden.",
                "topics": ["e-government", "wissensmanagement"],
                "audiences": ["kommunen"],
            }
        ],
        "needs": [],
    },
    {
        "name": "Kreis Recklinghausen",
        "kind": "municipality",
        "short_description": "Kreis mit zehn Städten; bringt alle 207 Schulen ans Gigabitnetz.",
        "description": "63 Millionen Euro Förderung gehen in den Breitband- und Glasfaserausbau. "
        "Damit kommen auch alle 207 Schulen im Kreis Recklinghausen ans Gigabitnetz.",
        "postal_code": "45657",
        "city": "Recklinghausen",
        "topics": ["breitband", "bildung-schulen", "e-government"],
        "audiences": ["schulen", "buergerinnen-und-buerger"],
        "offers": [
            {
                "title": "Gigabit-Anschluss für alle 207 Schulen im Kreis",
                "kind": "lab",
                "cost": "funded",
                "description": "Geförderter Breitbandausbau: alle 207 Schulen des Kreises "
                "werden ans Gigabitnetz angeschlossen.",
                "topics": ["breitband", "bildung-schulen"],
                "audiences": ["schulen"],
            }
        ],
        "needs": [
            {
                "title": "Partner für digitalen Unterricht an gigabitfähigen Schulen",
                "description": "Erfundenes Demo-Beispiel: Wer unterstützt Schulen dabei, die "
                "neue Bandbreite im Unterricht zu nutzen?",
                "topics": ["bildung-schulen"],
            }
        ],
    },
    {
        "name": "Stadt Castrop-Rauxel",
        "kind": "municipality",
        "short_description": "Kommune, die Verwaltungsdigitalisierung, Breitband und die "
        "digitale Stadt vorantreibt.",
        "description": "Die Stadt Castrop-Rauxel will die Verwaltungsdigitalisierung, die "
        "Breitbandinfrastruktur und die Transformation zu einer digitalen Stadt forcieren – und "
        "holt sich dafür Input im Austausch mit den Unternehmen der SMART REGION.",
        "postal_code": "44575",
        "city": "Castrop-Rauxel",
        "topics": ["e-government", "breitband", "digitale-stadtentwicklung"],
        "audiences": ["buergerinnen-und-buerger"],
        "offers": [],
        "needs": [
            {
                "title": "Austausch mit Unternehmen zur Verwaltungsdigitalisierung",
                "description": "Wir suchen Unternehmen, die Erfahrung mit digitalen "
                "Verwaltungsprozessen haben und ihr Wissen teilen.",
                "topics": ["e-government", "prozessmanagement"],
            }
        ],
    },
    {
        "name": "Stadt Gelsenkirchen – Stabsstelle vernetzte Stadt",
        "kind": "municipality",
        "short_description": "Leitkommune der digitalen Modellregion Emscher-Lippe.",
        "description": "Gelsenkirchen hat seit dem Start des Förderprogramms zahlreiche "
        "Digitalisierungsprojekte in E-Government und digitaler Stadtentwicklung umgesetzt und "
        "zeigt anderen Kommunen in NRW die Anlaufstellen für ihre Übertragung.",
        "postal_code": "45879",
        "city": "Gelsenkirchen",
        "topics": ["e-government", "digitale-stadtentwicklung"],
        "audiences": ["kommunen"],
        "member": True,
        "offers": [],
        "needs": [],
    },
    {
        "name": "Südwestfalen Agentur",
        "kind": "competence_center",
        "short_description": "Regionalagentur in Arnsberg; plant und führt die REGIONALE 2025 "
        "durch.",
        "description": "Die Südwestfalen Agentur lud zum Fachimpuls „Digitale "
        "Kompetenzlandschaft Südwestfalen“ ein und kooperiert beim Thema Digitalisierung eng mit "
        "der Wirtschaftsförderung Dortmund.",
        "postal_code": "59755",
        "city": "Arnsberg",
        "topics": ["smart-economy", "smart-mobility", "gesundheit"],
        "audiences": ["kmu", "kommunen"],
        "offers": [
            {
                "title": "Fachimpuls „Digitale Kompetenzlandschaft Südwestfalen“",
                "kind": "event_format",
                "cost": "free",
                "description": "Diskussionsrunden mit Akteuren aus Wirtschaft, Politik und "
                "Hochschulen über die digitale Szene der Region.",
                "topics": ["smart-economy"],
                "audiences": ["kmu", "hochschulen"],
            }
        ],
        "needs": [],
    },
    {
        "name": "Wirtschaftsförderung Dortmund",
        "kind": "competence_center",
        "short_description": "Kooperiert mit der Südwestfalen Agentur beim Thema Digitalisierung.",
        "description": "Mit einer Kooperationsvereinbarung arbeiten die Wirtschaftsförderung "
        "Dortmund und die Südwestfalen Agentur beim Thema Digitalisierung eng zusammen.",
        "postal_code": "44137",
        "city": "Dortmund",
        "topics": ["smart-economy"],
        "audiences": ["kmu", "startups"],
        "offers": [],
        "needs": [],
    },
    {
        "name": "Trilux",
        "kind": "company",
        "short_description": "Lichtspezialist aus Arnsberg.",
        "description": "Gastgeber des Fachimpulses „Digitale Kompetenzlandschaft Südwestfalen“ "
        "mit über 100 Akteuren aus Wirtschaft, Politik und Hochschulen.",
        "postal_code": "59757",
        "city": "Arnsberg",
        "topics": ["smart-building"],
        "audiences": ["kmu"],
        "offers": [],
        "needs": [],
    },
    {
        "name": "nexoma GmbH",
        "kind": "company",
        "short_description": "IT-Dienstleister aus Südwestfalen, entwickelt E-Commerce-Lösungen.",
        "description": "Die nexoma GmbH entwickelt als IT-Dienstleister unter anderem "
        "E-Commerce-Lösungen. (Ort in der Demo angenommen.)",
        "postal_code": "59755",
        "city": "Arnsberg",
        "topics": ["e-commerce"],
        "audiences": ["handel", "kmu"],
        "offers": [
            {
                "title": "E-Commerce-Lösungen für den Mittelstand",
                "kind": "service",
                "cost": "paid",
                "description": "Onlineshops und digitale Vertriebswege für Handel und Mittelstand.",
                "topics": ["e-commerce"],
                "audiences": ["handel", "kmu"],
            }
        ],
        "needs": [],
    },
    {
        "name": "GONICUS",
        "kind": "company",
        "short_description": "Vertritt beim Digitalen Forum Arnsberg die digitale Szene "
        "Südwestfalens.",
        "description": "GONICUS war beim Fachimpuls „Digitale Kompetenzlandschaft Südwestfalen“ "
        "dabei, um Standpunkte der digitalen Szene zu vertreten.",
        "postal_code": "59755",
        "city": "Arnsberg",
        "topics": ["e-government"],
        "audiences": ["kommunen", "kmu"],
        "offers": [],
        "needs": [],
    },
    {
        "name": "Open-Xchange AG",
        "kind": "company",
        "short_description": "Softwareunternehmen, beim Digitalen Forum Arnsberg vertreten.",
        "description": "Die Open-Xchange AG ergänzte beim Fachimpuls in Arnsberg die Runde der "
        "digitalen Szene Südwestfalens.",
        "postal_code": "57462",
        "city": "Olpe",
        "topics": ["cybersicherheit"],
        "audiences": ["kmu"],
        "offers": [],
        "needs": [],
    },
    {
        "name": "KDN – Dachverband kommunaler IT-Dienstleister",
        "kind": "chamber",
        "short_description": "Verantwortet die Übertragbarkeit der E-Government-Projekte der "
        "fünf digitalen Modellregionen NRW.",
        "description": "Im Auftrag des Landes ist der KDN für die Übertragbarkeit der "
        "E-Government-Projekte der fünf digitalen Modellregionen verantwortlich und organisiert "
        "dazu Infoveranstaltungen mit Austauschbörsen in den Leitkommunen.",
        "postal_code": "50667",
        "city": "Köln",
        "topics": ["e-government"],
        "audiences": ["kommunen"],
        "offers": [
            {
                "title": "Infoveranstaltungen zur Übertragbarkeit von E-Government-Projekten",
                "kind": "event_format",
                "cost": "free",
                "description": "Projektpartner pitchen ihre Vorhaben, an den Projektständen "
                "der Austauschbörse werden Fragen gesammelt und im Anschluss beantwortet.",
                "topics": ["e-government"],
                "audiences": ["kommunen"],
            }
        ],
        "needs": [],
    },
]
