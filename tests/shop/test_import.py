"""import_catalog with bad and odd inputs, through the management command (exit status 2 on bad input)."""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from shop.models import Product, ProductSize

FIRST_NEW_ID = 8_000_000


def make_catalog(source: Path, target: Path, n: int = 5) -> list[int]:
    """A jsonl catalog of `n` real products under fresh ids (so the test DB holds none of them)."""
    (target / "images").mkdir(parents=True)
    lines = (source / "products.jsonl").read_text().splitlines()[:n]
    ids = []
    with (target / "products.jsonl").open("w") as out:
        for i, line in enumerate(lines):
            record = json.loads(line)
            original, record["id"] = record["id"], FIRST_NEW_ID + i
            (target / "images" / f"{record['id']}.jpg").symlink_to(
                (source / "images" / f"{original}.jpg").resolve()
            )
            out.write(json.dumps(record) + "\n")
            ids.append(record["id"])
    return ids


def run_import(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_catalog", str(path), "--no-progress", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_missing_folder_exits_2(db, tmp_path):
    with pytest.raises(CommandError) as exc:
        run_import(tmp_path / "nope")
    assert exc.value.returncode == 2
    assert "not found" in str(exc.value)


def test_folder_without_catalog_file_exits_2(db, tmp_path):
    with pytest.raises(CommandError) as exc:
        run_import(tmp_path)
    assert exc.value.returncode == 2


def test_malformed_json_line_aborts_naming_the_line(catalog, small_catalog_dir, tmp_path):
    ids = make_catalog(small_catalog_dir, tmp_path)
    lines = (tmp_path / "products.jsonl").read_text().splitlines()
    lines[2] = lines[2][:40]  # truncated JSON on line 3
    (tmp_path / "products.jsonl").write_text("\n".join(lines) + "\n")

    with pytest.raises(CommandError) as exc:
        run_import(tmp_path)
    assert exc.value.returncode == 2
    assert "line 3" in str(exc.value)
    assert not Product.objects.filter(pk__in=ids).exists()

    out, err = run_import(tmp_path, "--on-error", "skip")
    assert "line 3" in err
    assert set(Product.objects.filter(pk__in=ids).values_list("pk", flat=True)) == set(ids) - {ids[2]}


def test_unreadable_image(catalog, small_catalog_dir, tmp_path):
    ids = make_catalog(small_catalog_dir, tmp_path)
    bad = tmp_path / "images" / f"{ids[1]}.jpg"
    bad.unlink()
    bad.write_bytes(b"\x00not a jpeg at all" * 20)

    with pytest.raises(CommandError) as exc:
        run_import(tmp_path)
    assert exc.value.returncode == 2
    assert f"{ids[1]}.jpg" in str(exc.value) and "line 2" in str(exc.value)
    assert not Product.objects.filter(pk__in=ids).exists()

    run_import(tmp_path, "--on-error", "skip")
    assert set(Product.objects.filter(pk__in=ids).values_list("pk", flat=True)) == set(ids) - {ids[1]}


def test_reimport_is_idempotent_and_keeps_stock(catalog, small_catalog_dir, tmp_path):
    ids = make_catalog(small_catalog_dir, tmp_path)
    run_import(tmp_path)
    products, sizes = Product.objects.count(), ProductSize.objects.count()
    size = ProductSize.objects.filter(product_id__in=ids).first()
    ProductSize.objects.filter(pk=size.pk).update(stock=42)

    out, _ = run_import(tmp_path)
    assert "0 new" in out and f"{len(ids)} updated" in out
    assert Product.objects.count() == products and ProductSize.objects.count() == sizes
    size.refresh_from_db()
    assert size.stock == 42


def test_kaggle_styles_csv_layout(catalog, small_catalog_dir, tmp_path):
    (tmp_path / "images").mkdir()
    header = (
        "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName"
    )
    rows = [
        f"{FIRST_NEW_ID + 100},Men,Apparel,Topwear,Tshirts,Navy Blue,Fall,2011,Casual,Turtle Men Navy Tee",
        f"{FIRST_NEW_ID + 101},Women,Apparel,Topwear,Tops,Pink,Summer,2012,Casual,Nike Women, Pink Top",
        f"{FIRST_NEW_ID + 102},Men,Footwear,Shoes,Casual Shoes,White,Summer,2012,Casual,Puma Men White Shoes",
    ]
    (tmp_path / "styles.csv").write_text("\n".join([header, *rows]) + "\n")
    real_images = sorted((small_catalog_dir / "images").iterdir())[:3]
    for i, image in enumerate(real_images):
        shutil.copyfile(image.resolve(), tmp_path / "images" / f"{FIRST_NEW_ID + 100 + i}.jpg")

    run_import(tmp_path, "--default-price", "1299")
    imported = {p.pk: p for p in Product.objects.filter(pk__gte=FIRST_NEW_ID + 100)}
    assert len(imported) == 3
    comma = imported[FIRST_NEW_ID + 101]
    assert comma.name == "Nike Women, Pink Top"
    assert comma.gender == "Women" and comma.article_type == "Tops" and comma.base_colour == "Pink"
    assert all(p.price == 1299 and p.image for p in imported.values())


def test_bad_default_price_exits_2(db, small_catalog_dir):
    with pytest.raises(CommandError) as exc:
        run_import(small_catalog_dir, "--default-price", "lots")
    assert exc.value.returncode == 2
