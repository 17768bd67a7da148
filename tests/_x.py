import json
from pathlib import Path
import tempfile

from tests.support.qbittorrent import available_binaries, launch

for b in available_binaries():
    q = launch(b, Path(tempfile.mkdtemp()))
    try:
        with q.session() as s:
            r1 = s.post(
                f"{q.url}/api/v2/torrents/createCategory",
                data={"category": "mediahub-claim-scan-ab-0", "savePath": ""},
            )
            r2 = s.post(
                f"{q.url}/api/v2/torrents/createCategory",
                data={"category": "mediahub-claim-scan-ab-0", "savePath": ""},
            )
            m = s.get(f"{q.url}/api/v2/sync/maindata?rid=0").json()
            rid = m["rid"]
            s.post(
                f"{q.url}/api/v2/torrents/removeCategories",
                data={"categories": "mediahub-claim-scan-ab-0"},
            )
            m2 = s.get(f"{q.url}/api/v2/sync/maindata?rid={rid}").json()
            t = s.post(
                f"{q.url}/api/v2/torrents/createTags",
                data={"tags": "mediahub:via:panel,mediahub:scan-sent"},
            )
            tags = s.get(f"{q.url}/api/v2/torrents/tags").json()
        print(
            b.label,
            r1.status_code,
            r2.status_code,
            r2.text,
            json.dumps(m.get("categories")),
            m2,
            t.status_code,
            tags,
        )
    finally:
        q.stop()
