"""DATA: the report's words in English and French (the French follows the user's own report)."""

from __future__ import annotations

LANGUAGES = ("en", "fr")

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Inventory of Python concurrency mechanisms",
        "summary": "Files analysed: {files}; uses found: {uses}.",
        "section.multiprocessing": "multiprocessing implementations",
        "section.threading": "threading implementations",
        "section.concurrent_futures": "concurrent.futures implementations",
        "section.asyncio": "asyncio implementations",
        "section.synchronization": "Synchronisation mechanisms",
        "section.queues": "Queues and backpressure",
        "section.parameters": "Configuration parameters",
        "section.observations": "Error-handling observations",
        "section.problems": "Files not analysed",
        "column.file": "File",
        "column.mechanism": "Mechanism",
        "column.configuration": "Configuration",
        "column.handling": "Error handling",
        "column.usage": "Usage",
        "column.characteristics": "Characteristics",
        "column.parameter": "Parameter",
        "column.description": "Description",
        "column.values": "Values found",
        "column.reason": "Reason",
        "empty": "None found.",
        "not_specified": "Not specified",
        "none_visible": "None visible",
        "more_values": "{count} other values",
        "imported_only": "{name} (imported, not used)",
        "subclass": "{name} (subclass {detail})",
        "kind.cpu_count": "CPU count",
        "kind.cpu_derived": "derived from CPU count",
        "kind.configurable": "configurable",
        "kind.computed": "computed",
        "after_construction": "set after creation",
        "handling.try_except": "try/except ({detail})",
        "handling.try_finally": "try/finally",
        "handling.callable_try_except": "try/except in {detail}",
        "handling.context_manager": "with block (closed on exit)",
        "handling.under_lock": "under lock {detail}",
        "handling.return_exceptions": "errors returned as results (return_exceptions=True)",
        "handling.result_guarded": "result() inside try/except",
        "handling.result_unguarded": "result() not guarded",
        "handling.result_not_read": "results never read",
        "handling.results_under_lock": "results stored under lock {detail}",
        "trait.pool_method": "",
        "trait.fifo": "FIFO",
        "trait.lifo": "LIFO (last in, first out)",
        "trait.priority": "Priority (smallest first)",
        "trait.simple": "Simple (no task tracking)",
        "trait.bounded": "Bounded (backpressure)",
        "trait.unbounded": "Unbounded (no backpressure)",
        "trait.protects_shared_state": "Protects shared results",
        "trait.with_block": "with block",
        "trait.acquire_release": "acquire()/release()",
        "trait.signalling": "wait()/set()/notify()",
        "trait.not_used_here": "No use seen in this file",
        "trait.never_shut_down": "never shut down in this file",
        "trait.non_blocking": "Non-blocking",
        "trait.timed_wait": "Wait bounded by a timeout of {timeout}",
        "trait.lock_timeout": "Timeout of {timeout} for the lock",
        "second": "{value} second",
        "seconds": "{value} seconds",
        "observation.try_except": (
            "Uses inside try/except: {count} of {total} (sections 1 to 4){examples}."
        ),
        "observation.try_finally": "Uses inside try/finally: {count} of {total}{examples}.",
        "observation.callable_try_except": (
            "Uses whose callable (thread target, pool function, coroutine of asyncio.run) "
            "catches errors inside: {count} of {total}{examples}."
        ),
        "observation.as_completed": (
            "as_completed loops: results read inside try/except {guarded}, "
            "read unguarded {unguarded}{examples}, never read {unread}."
        ),
        "observation.gather": (
            "gather() calls with return_exceptions=True: {count} of {total}{examples}."
        ),
        "observation.locks": "Locks protecting shared results: {count} of {total}{examples}.",
        "observation.queues": (
            "Bounded queues (backpressure): {bounded} of {queues}; "
            "waits and locks with a timeout: {timed} of {waits}."
        ),
        "observation.none": "Uses with no visible error handling: {count} of {total}{examples}.",
        "examples": " (e.g. {examples})",
    },
    "fr": {
        "title": "Inventaire des mécanismes de parallélisation Python",
        "summary": "Fichiers analysés : {files} ; utilisations trouvées : {uses}.",
        "section.multiprocessing": "Implémentations de multiprocessing",
        "section.threading": "Implémentations de threading",
        "section.concurrent_futures": "Implémentations de concurrent.futures",
        "section.asyncio": "Implémentations d'asyncio",
        "section.synchronization": "Mécanismes de synchronisation",
        "section.queues": "Files d'attente et backpressure",
        "section.parameters": "Paramètres de configuration courants",
        "section.observations": "Observations sur la gestion des erreurs",
        "section.problems": "Fichiers non analysés",
        "column.file": "Fichier",
        "column.mechanism": "Mécanisme",
        "column.configuration": "Configuration",
        "column.handling": "Gestion d'erreurs",
        "column.usage": "Utilisation",
        "column.characteristics": "Caractéristiques",
        "column.parameter": "Paramètre",
        "column.description": "Description",
        "column.values": "Valeurs relevées",
        "column.reason": "Raison",
        "empty": "Aucune utilisation trouvée.",
        "not_specified": "Non spécifié",
        "none_visible": "Aucune visible",
        "more_values": "{count} autres valeurs",
        "imported_only": "{name} (importé, non utilisé)",
        "subclass": "{name} (sous-classe {detail})",
        "kind.cpu_count": "nombre de CPU",
        "kind.cpu_derived": "dérivé du nombre de CPU",
        "kind.configurable": "configurable",
        "kind.computed": "calculé",
        "after_construction": "défini après création",
        "handling.try_except": "try/except ({detail})",
        "handling.try_finally": "try/finally",
        "handling.callable_try_except": "try/except dans {detail}",
        "handling.context_manager": "bloc with (fermé à la sortie)",
        "handling.under_lock": "sous verrou {detail}",
        "handling.return_exceptions": (
            "erreurs renvoyées comme résultats (return_exceptions=True)"
        ),
        "handling.result_guarded": "result() dans un try/except",
        "handling.result_unguarded": "result() non protégé",
        "handling.result_not_read": "résultats jamais lus",
        "handling.results_under_lock": "résultats stockés sous verrou {detail}",
        "trait.pool_method": "",
        "trait.fifo": "FIFO",
        "trait.lifo": "LIFO (dernier entré, premier sorti)",
        "trait.priority": "Priorité (plus petit = plus prioritaire)",
        "trait.simple": "Simple (sans suivi des tâches)",
        "trait.bounded": "Bornée (backpressure)",
        "trait.unbounded": "Non bornée (pas de backpressure)",
        "trait.protects_shared_state": "Protection des résultats partagés",
        "trait.with_block": "bloc with",
        "trait.acquire_release": "acquire()/release()",
        "trait.signalling": "wait()/set()/notify()",
        "trait.not_used_here": "Aucune utilisation vue dans ce fichier",
        "trait.never_shut_down": "jamais arrêté dans ce fichier",
        "trait.non_blocking": "Non bloquant",
        "trait.timed_wait": "Attente limitée par un timeout de {timeout}",
        "trait.lock_timeout": "Timeout de {timeout} pour le verrou",
        "second": "{value} seconde",
        "seconds": "{value} secondes",
        "observation.try_except": (
            "Utilisations dans un try/except : {count} sur {total} (sections 1 à 4){examples}."
        ),
        "observation.try_finally": (
            "Utilisations dans un try/finally : {count} sur {total}{examples}."
        ),
        "observation.callable_try_except": (
            "Utilisations dont la fonction exécutée (cible d'un thread, fonction d'un pool, "
            "coroutine d'asyncio.run) intercepte les erreurs : {count} sur {total}{examples}."
        ),
        "observation.as_completed": (
            "Boucles as_completed : résultats lus dans un try/except {guarded}, "
            "lus sans protection {unguarded}{examples}, jamais lus {unread}."
        ),
        "observation.gather": (
            "Appels gather() avec return_exceptions=True : {count} sur {total}{examples}."
        ),
        "observation.locks": (
            "Verrous protégeant des résultats partagés : {count} sur {total}{examples}."
        ),
        "observation.queues": (
            "Files d'attente bornées (backpressure) : {bounded} sur {queues} ; "
            "attentes et verrous avec timeout : {timed} sur {waits}."
        ),
        "observation.none": (
            "Utilisations sans gestion d'erreurs visible : {count} sur {total}{examples}."
        ),
        "examples": " (ex. : {examples})",
    },
}

PARAMETERS: dict[str, dict[str, str]] = {
    "en": {
        "max_workers": "Maximum number of workers",
        "processes": "Number of processes",
        "daemon": "Background thread or process",
        "timeout": "Wait limit (seconds)",
        "maxsize": "Queue capacity (0: unbounded)",
        "chunksize": "Items per task sent to a worker",
        "value": "Semaphore counter (concurrency bound)",
        "parties": "Parties waiting at the barrier",
        "interval": "Delay before the timer runs (seconds)",
        "return_exceptions": "Errors returned as results",
        "return_when": "When wait() returns",
        "block": "Blocking wait",
        "blocking": "Blocking acquisition",
        "method": "Process start method",
        "maxtasksperchild": "Tasks per worker before it is replaced",
        "max_tasks_per_child": "Tasks per worker before it is replaced",
        "thread_name_prefix": "Thread name prefix",
        "mp_context": "Process start context",
        "delay": "Time limit (seconds)",
        "debug": "Debug mode",
    },
    "fr": {
        "max_workers": "Nombre maximum de workers",
        "processes": "Nombre de processus",
        "daemon": "Thread ou processus en arrière-plan",
        "timeout": "Délai d'attente (secondes)",
        "maxsize": "Capacité de la file (0 : illimitée)",
        "chunksize": "Éléments par tâche envoyée à un worker",
        "value": "Compteur du sémaphore (limite de concurrence)",
        "parties": "Participants attendus à la barrière",
        "interval": "Délai avant exécution du timer (secondes)",
        "return_exceptions": "Erreurs renvoyées comme résultats",
        "return_when": "Condition de retour de wait()",
        "block": "Attente bloquante",
        "blocking": "Acquisition bloquante",
        "method": "Méthode de démarrage des processus",
        "maxtasksperchild": "Tâches par worker avant remplacement",
        "max_tasks_per_child": "Tâches par worker avant remplacement",
        "thread_name_prefix": "Préfixe des noms de threads",
        "mp_context": "Contexte de démarrage des processus",
        "delay": "Limite de temps (secondes)",
        "debug": "Mode debug",
    },
}
