#!/usr/bin/env bash
# Train every model of the gallery on one GPU in about ten minutes (issue 14, part 2).
#
#   bash training/gpu_all.sh OUT_DIR            # one H200-class GPU: ~9 minutes wall
#   bash training/gpu_all.sh OUT_DIR --tiny     # the same pipeline, tiny budgets, on the CPU (~2 min)
#
# Runs at once, as separate processes on the one GPU (each picks it up through
# training/distributed.py setup(); bf16 autocast where the script has it):
#   - ResNet-56 on CIFAR-10 (training/resnet.py, the embedded model's recipe; the epochs that fit
#     in the budget, fixed at the end of the warm-up);
#   - the eight nets of Fig. 6 (training/resnet_curves.py, one process each, all 50,000 training
#     images; the processes agree on one epoch budget: what the slowest net fits);
#   - BERT (training/bert.py, the wall-clock schedule), both GANs (training/gan.py --arch dcgan /
#     mlp), the Transformer (training/transformer.py, epochs until the budget).
# Each job trains for GPU_ALL_MINUTES (default 6.5) minutes after loading its data, then evaluates
# and saves; a guard stops any job still running after GPU_ALL_GUARD seconds (default 560).
# The models go to OUT_DIR as one uncompressed tar each plus logs.tar (jobs' output and a
# summary): 7 files of at most 16 MiB, checked at the end (training/pack_weights.py). Install:
#   for t in OUT_DIR/*_*.tar; do tar -xf "$t" -C weights/; done   (then the evaluations: README)
# The folders are built in OUT_DIR.work, removed when everything succeeded (GPU_ALL_KEEP=1 keeps it).
set -euo pipefail

usage() { echo "usage: bash training/gpu_all.sh OUT_DIR [--tiny]" >&2; exit 2; }
[[ $# -ge 1 && $# -le 2 ]] || usage
OUT=$1
TINY=0
if [[ $# -eq 2 ]]; then [[ $2 == --tiny ]] || usage; TINY=1; fi

REPO=$(cd "$(dirname "$0")/.." && pwd)
PY=${PAPER_GALLERY_PYTHON:-$REPO/.venv/bin/python}
DATA=$(realpath -m "${PAPER_GALLERY_DATA:-$REPO/../shared/data}")
OUT=$(realpath -m "$OUT")
WORK="$OUT.work"
MINUTES=${GPU_ALL_MINUTES:-6.5}
GUARD=${GPU_ALL_GUARD:-560}

for d in cifar10 mnist multi30k eltec-eng wikitext-2; do
    [[ -d $DATA/$d ]] || { echo "no $DATA/$d (set PAPER_GALLERY_DATA to the data bundle)" >&2; exit 2; }
done
if [[ -e $OUT && -n $(ls -A "$OUT") ]]; then echo "$OUT is not empty" >&2; exit 2; fi
if [[ -e $WORK && ! -e $WORK/.gpu_all ]]; then echo "$WORK exists and is not ours" >&2; exit 2; fi
rm -rf "$WORK"
mkdir -p "$OUT" "$WORK/logs"
touch "$WORK/.gpu_all"

export OMP_NUM_THREADS=1 PYTHONUNBUFFERED=1
if [[ $TINY == 1 ]]; then
    export CUDA_VISIBLE_DEVICES=""  # the CPU, even where there is a GPU
    GUARD=${GPU_ALL_GUARD:-600}
    # BERT on 4 of the novels (2 held out): the same code, a corpus that loads in seconds
    mkdir -p "$WORK/tinydata/eltec-eng"
    novels=("$DATA"/eltec-eng/*.txt.gz)
    ln -s "${novels[@]:0:4}" "$WORK/tinydata/eltec-eng/"
    ln -s "$DATA/wikitext-2" "$WORK/tinydata/wikitext-2"
else
    "$PY" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" \
        || { echo "no CUDA GPU here: bash training/gpu_all.sh OUT_DIR --tiny runs the CPU check" >&2; exit 2; }
    "$PY" -c "import torch; p = torch.cuda.get_device_properties(0); print(f'{p.name}, {p.total_memory / 2**30:.0f} GiB')"
fi

# one background job: its output in WORK/logs/NAME.log, "exit-status seconds" in NAME.status
declare -a PIDS=()
job() {
    local name=$1
    shift
    (
        set +e
        start=$(date +%s)
        cd "$REPO" && timeout --signal=TERM --kill-after=30 "$GUARD" "$PY" "$@"
        echo "$? $(($(date +%s) - start))" >"$WORK/logs/$name.status"
    ) >"$WORK/logs/$name.log" 2>&1 &
    PIDS+=($!)
    echo "started $name: $*"
}

failed=0
wait_all() { for pid in "${PIDS[@]}"; do wait "$pid" || failed=1; done; PIDS=(); }

CURVES=(plain20 plain32 plain44 plain56 resnet20 resnet32 resnet44 resnet56)
if [[ $TINY == 1 ]]; then
    # On the CPU the jobs take turns (the eight Fig. 6 nets together: they agree on one epoch
    # budget), so a CI machine holds a few processes at a time, not thirteen; the GPU run below
    # starts all thirteen at once.
    T=5  # minutes: the epoch caps end these runs first
    job resnet56 training/resnet.py --arch resnet56 --epochs 2 --minutes "$T" --warmup_epochs 1 \
        --limit_train 256 --limit_eval 100 --batch_size 64 --data_dir "$DATA/cifar10" --out_dir "$WORK/resnet56_cifar10"
    wait_all
    for a in "${CURVES[@]}"; do
        job "curves_$a" training/resnet_curves.py --archs "$a" --train_subset 200 --test_subset 50 \
            --batch_size 40 --epochs 2 --minutes "$T" --warmup_epochs 1 --sync_dir "$WORK/sync" --sync_n 8 \
            --data_dir "$DATA/cifar10" --out_dir "$WORK/resnet_curves"
    done
    wait_all
    job bert training/bert.py --arch 2x64x2 --vocab_size 1000 --seq_len 64 --batch_size 8 --minutes 0.1 \
        --eval_every 0.05 --heldout 0,2 --n_eval 16 --n_final 32 --data_dir "$WORK/tinydata" --out_dir "$WORK/bert_eltec"
    wait_all
    job gan_dcgan training/gan.py --arch dcgan_wide --lr 1e-3 --lr_d 2e-4 --ema_bn recompute \
        --epochs 2 --minutes "$T" --n_train 500 --n_select 100 --out_dir "$WORK/gan_dcgan_mnist"
    wait_all
    job gan_mlp training/gan.py --arch mlp --lr_d 1e-4 --epochs 2 --minutes "$T" --n_train 500 --n_select 100 \
        --out_dir "$WORK/gan_mlp_mnist"
    wait_all
    job transformer training/transformer.py --arch 2x32x2 --vocab_size 300 --limit_train 300 --limit_eval 10 \
        --max_tokens 400 --warmup 20 --epochs 2 --max_minutes "$T" --data_dir "$DATA/multi30k" \
        --out_dir "$WORK/transformer_multi30k"
else
    # ResNet-56: the embedded model's recipe (one-cycle, batch 128), as many epochs as fit
    job resnet56 training/resnet.py --arch resnet56 --epochs 200 --minutes "$MINUTES" \
        --data_dir "$DATA/cifar10" --out_dir "$WORK/resnet56_cifar10"
    # Fig. 6: all 50,000 images, the paper's SGD settings, one epoch budget for all eight nets
    for a in "${CURVES[@]}"; do
        job "curves_$a" training/resnet_curves.py --archs "$a" --train_subset 50000 --test_subset 10000 \
            --epochs 200 --minutes "$MINUTES" --warmup_epochs 2 --sync_dir "$WORK/sync" --sync_n 8 \
            --data_dir "$DATA/cifar10" --out_dir "$WORK/resnet_curves"
    done
    # BERT: batches of 128 x 128 tokens (the paper: 256 x 512), dropout 0.1 as the paper (it sees
    # the 94 novels several times here), bf16 autocast
    job bert training/bert.py --minutes "$MINUTES" --batch_size 128 --lr 5e-4 --warmup 0.05 --dropout 0.1 \
        --bf16 true --eval_every 0.5 --threads 2 --data_dir "$DATA" --out_dir "$WORK/bert_eltec"
    # the GANs: the embedded recipes (Adam 2e-4, batch 100, averaged G), until the clock stops them;
    # the DCGAN twice as wide as the shipped one (models/gan.py PRESETS["dcgan_wide"]), the shipped recipe
    job gan_dcgan training/gan.py --arch dcgan_wide --lr 1e-3 --lr_d 2e-4 --ema_bn recompute \
        --epochs 1000 --minutes "$MINUTES" --threads 2 \
        --out_dir "$WORK/gan_dcgan_mnist"
    job gan_mlp training/gan.py --arch mlp --lr_d 1e-4 --epochs 1000 --minutes "$MINUTES" --threads 2 \
        --out_dir "$WORK/gan_mlp_mnist"
    # the Transformer: the embedded recipe; --max_minutes counts from the start (data included)
    job transformer training/transformer.py --epochs 200 \
        --max_minutes "$("$PY" -c "print($MINUTES + 0.5)")" --data_dir "$DATA/multi30k" \
        --out_dir "$WORK/transformer_multi30k"
fi

wait_all
for s in "$WORK"/logs/*.status; do
    read -r rc seconds <"$s"
    name=$(basename "$s" .status)
    printf '%-18s exit %s after %s s\n' "$name" "$rc" "$seconds"
    if [[ $rc != 0 ]]; then
        failed=1
        echo "--- the end of $name's log:"
        tail -n 15 "$WORK/logs/$name.log"
    fi
done

"$PY" "$REPO/training/pack_weights.py" --out "$OUT" --work "$WORK" \
    resnet56_cifar10 resnet_curves bert_eltec gan_dcgan_mnist gan_mlp_mnist transformer_multi30k || failed=1
if [[ $failed == 0 && ${GPU_ALL_KEEP:-0} != 1 ]]; then
    rm -rf "$WORK"
else
    echo "the model folders and logs are in $WORK"
fi
exit $failed
