"""A hearing's record signed by the county and checked by `yishi record verify` exactly as a
meeting's is (issue 14: "the decision's record verifies, seals and exports as a meeting's
does"): the chain, every section against the digests sealed in it, the SM2 signature."""

# ruff: noqa: F811  (the fixtures `sealing` and `tsa` of test_record_seal are parameters)

from __future__ import annotations

from backend.record.seal import generate_key
from tests.factories.hearings import REPORT, drawn_hearing, ok
from tests.factories.tenants import make_county
from tests.test_hearings_transcript import SEAL, VERIFY
from tests.test_record_seal import sealing, tsa, yishi  # noqa: F401


async def test_a_signed_hearing_record_verifies_by_the_command_and_a_tampered_pool_fails(
    server, gql, owner_db, sealing, database_url, tmp_path
):
    county = await make_county(server)
    public = generate_key(sealing, county.slug)
    (tmp_path / "county.pem").write_text(public.pem())
    scene = await drawn_hearing(server, gql, county)
    views = [{"summary": "实行阶梯水价", "adopted": True}]
    await ok(gql, REPORT, {"h": scene.id, "c": "建议调价", "v": views}, county.admin.token)
    sealed = (await ok(gql, SEAL, {"h": scene.id}, county.admin.token))["hearing"]
    stream = f"hearing:{scene.db_id}"

    api = (await gql.data(VERIFY, {"s": stream}, token=county.admin.token))["verifyStream"]
    cli = yishi(
        "record", "verify", "--tenant", county.slug, "--stream", stream,
        "--public-key", str(tmp_path / "county.pem"), "--expect", sealed["sealedHash"],
        env={"DATABASE_URL": database_url},
    )  # fmt: skip

    assert api["valid"] is True and api["sealed"] is True
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert "内容 content: OK every section matches the sealed digests" in cli.stdout
    assert "签名 signature: OK" in cli.stdout
    assert cli.stdout.strip().endswith("OK")

    # someone with the database moves an applicant from NOT_SELECTED to SELECTED
    await owner_db.execute(
        "UPDATE hearing_applications SET outcome = 'SELECTED', alternate_rank = NULL "
        "WHERE hearing_id = $1 AND outcome <> 'SELECTED'",
        scene.db_id,
    )
    broken = yishi(
        "record", "verify", "--tenant", county.slug, "--stream", stream,
        "--public-key", str(tmp_path / "county.pem"),
        env={"DATABASE_URL": database_url},
    )  # fmt: skip
    assert broken.returncode == 1
    assert "内容 content: DIFFERS from the seal: pool" in broken.stdout
