import math

import torch

from ml.losses import composed_contrastive_loss, info_nce, seed_difference_loss


def _softmax(row):
    m = max(row)
    e = [math.exp(x - m) for x in row]
    return [x / sum(e) for x in e]


def _log_softmax(row):
    m = max(row)
    lse = m + math.log(sum(math.exp(x - m) for x in row))
    return [x - lse for x in row]


def test_seed_difference_loss_hand_computed_2x2():
    tgt = [[1.0, 0.0], [0.0, 2.0]]
    ref = [[0.0, 1.0], [1.0, 1.0]]
    cap = [[0.5, -0.5], [1.0, 0.0]]
    T = 2.0
    d = [[tgt[i][k] - ref[i][k] for k in range(2)] for i in range(2)]  # [[1,-1],[-1,1]]

    def dot(a, b):
        return sum(x * y for x, y in zip(a, b, strict=True))

    logits = [[dot(cap[i], d[j]) / T for j in range(2)] for i in range(2)]
    targets = [
        _softmax([(dot(d[i], d[j]) + dot(cap[i], cap[j])) / 2 * T for j in range(2)]) for i in range(2)
    ]
    cap_loss = [-sum(targets[i][j] * _log_softmax(logits[i])[j] for j in range(2)) for i in range(2)]
    lt = [[logits[j][i] for j in range(2)] for i in range(2)]
    tt = [[targets[j][i] for j in range(2)] for i in range(2)]
    img_loss = [-sum(tt[i][j] * _log_softmax(lt[i])[j] for j in range(2)) for i in range(2)]
    expected = sum((a + b) / 2 for a, b in zip(img_loss, cap_loss, strict=True)) / 2

    got = seed_difference_loss(torch.tensor(tgt), torch.tensor(ref), torch.tensor(cap), T)
    assert got.ndim == 0
    assert math.isclose(float(got), expected, rel_tol=1e-6)
    # the numbers are not degenerate: targets are genuinely soft
    assert 0.0 < targets[0][1] < 1.0


def test_seed_loss_has_gradients():
    torch.manual_seed(0)
    a, b, c = (torch.randn(4, 8, requires_grad=True) for _ in range(3))
    seed_difference_loss(a, b, c, 2.0).backward()
    assert all(x.grad is not None and x.grad.abs().sum() > 0 for x in (a, b, c))


def test_info_nce_perfect_match_is_near_zero_and_masks_duplicates():
    q = torch.eye(4)
    assert float(info_nce(q, q, 100.0)) < 1e-3
    # rows 0 and 1 share a target product: the copy must not count as a negative
    t = torch.stack([q[0], q[0], q[2], q[3]])
    ids = torch.tensor([7, 7, 8, 9])
    masked = info_nce(torch.stack([q[0], q[0], q[2], q[3]]), t, 100.0, target_ids=ids)
    unmasked = info_nce(torch.stack([q[0], q[0], q[2], q[3]]), t, 100.0)
    assert float(masked) < 1e-3 < float(unmasked)


def test_composed_loss_penalises_query_equal_to_reference():
    torch.manual_seed(0)
    tgt = torch.nn.functional.normalize(torch.randn(8, 16), dim=-1)
    ref = torch.nn.functional.normalize(torch.randn(8, 16), dim=-1)
    good = composed_contrastive_loss(tgt, tgt, ref, 10.0)
    lazy = composed_contrastive_loss(ref, tgt, ref, 10.0)  # query ignores the text
    assert float(good) < float(lazy)
