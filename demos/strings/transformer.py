"""The Transformer tab's strings (English, Chinese), registered when this module is imported."""

from demos.i18n import register

EN = {
    "tf_claim": (
        "## The Transformer: Attention Is All You Need (Vaswani et al., 2017)\n"
        "**The paper's claim.** A translation model needs neither recurrence nor convolution: an "
        "encoder-decoder built only from attention, softmax(QKᵀ/√d_k)V (Eq. 1), with positional "
        "encodings for word order, translates better than the best recurrent and convolutional models "
        "(28.4 BLEU on WMT 2014 English→German) and trains in a fraction of their time, because every "
        "position is computed in parallel (Table 1: O(1) sequential operations instead of O(n))."
    ),
    "tf_sub_translate": "Translate & attention",
    "tf_sub_steps": "Decoding step by step",
    "tf_sub_pe": "Positional encoding",
    "tf_sub_scale": "Why √d_k",
    "tf_sub_lr": "Warm-up schedule",
    "tf_sub_ls": "Label smoothing",
    "tf_sub_cx": "Complexity (Table 1)",
    "tf_sub_check": "Paper check",
    "tf_translate_md": (
        "Type English; the model translates it into German with beam search (length penalty α = 0.6, "
        "§6.1; beam 1 = greedy). The embedded model is this project's 7.6 M-parameter Transformer "
        "trained on Multi30k (image captions: it knows people, animals, streets, sports; sacreBLEU 38.7 "
        "on test 2016, 29.3 on test 2017; the target, ≥ 36.0 on test 2016, is met). OPUS-MT (Helsinki-NLP's transformer-base, 74 M: English→German, "
        "and English→Chinese, the Chinese page's choice) is used instead wherever it is on this "
        "computer (or once downloaded)."
    ),
    "tf_source": "English",
    "tf_weights": "Weights",
    "tf_beam": "Beam size",
    "tf_translate": "Translate",
    "tf_output": "Translation",
    "tf_examples": "Examples",
    "tf_tokens_md": (
        "**Source**, {n_src} subwords: {src}\n\n**Output**, {n_tgt} subwords (id below each): {tgt}\n\n"
        "Beam {beam}, score (log-prob / length penalty) {score:.3f}."
    ),
    "tf_note_cut": "⚠ Your text has {n} subwords; only the first {m} were translated (this demo's limit).",
    "tf_note_chars": "⚠ Your text was cut to its first {n:,} characters before translating.",
    "tf_note_unk": (
        "ℹ {n} subword(s) are not in this model's vocabulary and became `<unk>` (emoji, other scripts): "
        "the model was trained on English captions only."
    ),
    "tf_attn_md": (
        "**Attention maps.** Rows are **queries**, columns are **keys**: row i shows how position i "
        "distributes its attention (each row sums to 1). Hover a cell for its value. Decoder rows are "
        "the decoder's *inputs* — the output shifted right, starting from the start token — so row i "
        "is the step that predicts output token i+1."
    ),
    "tf_kind": "Attention",
    "tf_kind_short_encoder": "encoder self",
    "tf_kind_short_decoder": "decoder masked self",
    "tf_kind_short_cross": "cross (encoder-decoder)",
    "tf_layer": "Layer",
    "tf_head": "Head",
    "tf_png": "PNG of this map",
    "tf_target": "Click an output token to see where it looked in the source",
    "tf_kind_encoder": "Encoder self-attention",
    "tf_kind_decoder": "Decoder masked self-attention",
    "tf_kind_cross": "Encoder-decoder (cross) attention",
    "tf_layer_head": "layer {layer}, head {head}",
    "tf_axes_encoder": "Rows: {rows} source tokens (queries); columns: the same {cols} source tokens (keys).",
    "tf_axes_decoder": (
        "Rows: {rows} decoder inputs (queries); columns: the same {cols} decoder inputs (keys). Hatched "
        "cells are masked: a position never sees later ones (§3.2.3)."
    ),
    "tf_axes_cross": (
        "Rows: {rows} decoder inputs (queries, from the decoder); columns: {cols} source tokens (keys and "
        "values, from the encoder's output)."
    ),
    "tf_corner": "query ↓ key →",
    "tf_masked": "masked (a later position)",
    "tf_align_md": (
        "Output token **{tok}** (#{j}) was predicted while attending most to **{best}** ({w:.2f}) — "
        "cross-attention, layer {layer}, head {head}."
    ),
    "tf_steps_intro": (
        "How the decoder produces the translation, one token at a time (§3.1, §6.1). Press **Show** "
        "(it uses the sentence, weights and beam size of the first sub-tab)."
    ),
    "tf_topk": "Top-k next tokens shown",
    "tf_show": "Show",
    "tf_shift_title": "1. The decoder's input is the output shifted right",
    "tf_shift_md": (
        "In training and in the final teacher-forced pass, position t receives the token before it and "
        "must predict the token at t (the start token comes first, </s> last)."
    ),
    "tf_dec_in": "input",
    "tf_dec_out": "predicts",
    "tf_mask_title": "2. The causal mask",
    "tf_mask_md": "Row = query position, column = key position; blue = may attend, grey = masked (set to −∞ before the softmax).",
    "tf_steps_title": "3. Search: beam {beam}, the {k} most likely next tokens of every live hypothesis",
    "tf_steps_md": (
        "Each row is one hypothesis (prefix) at one step, with its cumulative log-probability and its "
        "most likely next tokens (probabilities). Every extension the search kept is marked ✓ with its "
        "new cumulative log P (→), also when it is not among the top k: the beam keeps the best "
        "extensions over all hypotheses together, so one hypothesis may give several and another none "
        "(dropped). An extension that ends with </s> is finished and scored with the length penalty; "
        "the others are the next step's hypotheses."
    ),
    "tf_col_step": "step",
    "tf_col_beam": "hyp.",
    "tf_col_prefix": "prefix",
    "tf_col_next": "next tokens (P)",
    "tf_dropped": "dropped",
    "tf_finished": "finished",
    "tf_steps_more": "… and {n} more steps.",
    "tf_steps_result": "Result: <b>{text}</b> (score {score:.3f}).",
    "tf_pe_intro": (
        "**Positional encoding (§3.5).** PE(pos, 2i) = sin(pos/10000^(2i/d_model)), "
        "PE(pos, 2i+1) = cos(pos/10000^(2i/d_model)): wavelengths from 2π to 10000·2π. The paper "
        "chose it because PE(pos+k) is a linear function of PE(pos) for any fixed offset k — checked "
        "below, numerically."
    ),
    "tf_pe_d": "d_model",
    "tf_pe_max": "positions",
    "tf_pe_dims": "dimensions to plot (comma-separated)",
    "tf_pe_k": "offset k",
    "tf_pe_md": (
        "**PE(pos+{k}) = M_{k} · PE(pos)**, the same matrix for every pos: M_{k} is block-diagonal with one "
        "2×2 rotation by k·ω_i per (sin, cos) pair, ω_i = 1/10000^(2i/d). First block: "
        "[[{a:.4f}, {b:.4f}], [{c:.4f}, {e:.4f}]]. Over all {n} positions and all {d} dimensions, "
        "**max |PE(pos+k) − M_k·PE(pos)| = {err:.2e}** (float64). The longest wavelength here is {wl:,.0f} positions."
    ),
    "tf_scale_intro": (
        "**Why divide by √d_k (§3.2.1).** If q and k have independent unit-variance components, q·k has "
        "variance d_k. Unscaled, large d_k pushes the softmax into regions with tiny gradients. Below: "
        "random queries against random keys, computed now, with and without the scaling."
    ),
    "tf_keys": "number of keys",
    "tf_scale_md": (
        "With {n} keys (uniform attention would be {uni:.3f}). At the paper's d_k = 64 the unscaled logits "
        "have std {sd:.1f}: largest weight **{p64r:.2f}** unscaled vs **{p64s:.2f}** scaled; gradient size "
        "**{g64r:.3f}** vs **{g64s:.3f}**. At d_k = 1024: **{p1kr:.2f}** vs **{p1ks:.2f}**, gradient "
        "**{g1kr:.4f}** vs **{g1ks:.3f}**. Scaling keeps the logits at unit variance for every d_k."
    ),
    "tf_lr_intro": (
        "**Learning-rate schedule (§5.3, Eq. 3).** lrate = d_model^−0.5 · min(step^−0.5, step · "
        "warmup_steps^−1.5): a linear warm-up, then decay with 1/√step. The paper: warmup_steps = 4000."
    ),
    "tf_lr_d": "d_model",
    "tf_lr_w": "warm-up steps",
    "tf_lr_steps": "training steps",
    "tf_lr_md": (
        "d_model = {d}, warm-up {w}: the peak is at step {w}, **lrate = {peak:.3e}** "
        "(= d_model^−0.5 · warmup^−0.5); by step {half} it has halved; at step {steps:,}: {end:.3e}. "
        "Wider models get smaller rates (d_model^−0.5)."
    ),
    "tf_ls_intro": (
        "**Label smoothing (§5.4, ε_ls = 0.1).** The target is not one-hot: (1 − ε) on the true token plus ε "
        'spread over the vocabulary. The model learns to be less sure — which "hurts perplexity, as the '
        'model learns to be more unsure, but improves accuracy and BLEU score".'
    ),
    "tf_ls_eps": "ε_ls",
    "tf_ls_v": "vocabulary shown",
    "tf_ls_md": (
        "ε = {eps:g}, {V} tokens: the true token's target is **{true:.4f}**, every other token's "
        "**{other:.4f}**. The lowest loss a model can reach is the entropy of this target, "
        "H(q) = {h:.3f} nats (0 without smoothing). With the paper's 37,000-token vocabulary: "
        "H(q) = **{h37:.3f} nats**, a perplexity floor of {ppl:.1f} on the training targets."
    ),
    "tf_cx_intro": (
        "**Table 1 of the paper**: per-layer cost, sequential operations and the longest path between two "
        "positions (n: sequence length, d: width, k: kernel, r: neighbourhood). Self-attention is cheaper "
        "per layer than recurrence when n < d, and needs no sequential steps. **Measure** times one "
        "self-attention layer and one recurrent layer on this machine (1 thread, a few seconds at most)."
    ),
    "tf_cx_maxn": "longest n",
    "tf_cx_d": "d",
    "tf_measure": "Measure",
    "tf_cx_md": (
        "Measured now, d = {d}, batch 1, best of 3 runs per n ({s:.1f} s in all). On a CPU the recurrent "
        "layer's n sequential steps are cheap matrix-vector products, so the measured crossover need not "
        "sit exactly at n = d; on parallel hardware the O(n) sequential steps are what cost."
    ),
    "tf_cx_running": "Timing… n = {n} done (d = {d}); the figure follows the last length.",
    "tf_cx_when": (
        "(This is the first timing of these settings on this server, measured at {when} UTC; press "
        "**Measure** to time it again.)"
    ),
    "tf_check_md": (
        "The paper's numbers beside ours, computed now from our module (parameters on the meta device: "
        "shapes only) and from the loaded catalogue."
    ),
    "tf_chk_base": "Transformer base, parameters (Table 3)",
    "tf_chk_big": "Transformer big, parameters (Table 3)",
    "tf_chk_small": "our embedded Multi30k model, parameters",
    "tf_chk_pe": "positional encoding = the paper's equation (§3.5), d = 512, 512 positions",
    "tf_chk_shift": "PE(pos+k) linear in PE(pos) (§3.5), k = 5, d = 512",
    "tf_paper_shift": '"can be represented as a linear function"',
    "tf_chk_lr": "peak learning rate, base (step 4000, Eq. 3)",
    "tf_chk_bleu": "BLEU, English→German",
    "tf_why_base": (
        "{gap:+.1f}%: our count with the shared 37,000-token vocabulary (§5.1) and tied embeddings (§3.4): "
        'embedding {emb:,} + encoder {enc:,} + decoder {dec:,}. The paper gives "about 37000" tokens and '
        "rounds; 65 M would need a vocabulary of ~{v:,.0f}. Without tying (three matrices) it would be {untied:.1f} M."
    ),
    "tf_why_big": "{gap:+.1f}%: same vocabulary and tying; agrees within the paper's rounding.",
    "tf_why_small": "counted from the module's config; the catalogue records {meta:,}",
    "tf_why_pe": "the model's float32 table against sin/cos in plain Python: agrees to float32 precision",
    "tf_why_shift": "M_k = 2×2 rotations by k·ω_i: exact up to float64 rounding",
    "tf_why_lr": "d_model^−0.5 · warmup^−0.5, from models.transformer.lr_rate",
    "tf_why_bleu": (
        "not comparable: the paper's base model, newstest2014 (4.5 M sentence pairs of training data); ours: "
        "test 2016 / test 2017 of Multi30k (29,000 captions), beam 4, α = 0.6, sacreBLEU"
    ),
    "tf_err_empty": "Please type an English sentence to translate (the text is empty or only spaces).",
    "tf_err_weights": "Unknown weights; choose one of: {names}.",
    "tf_err_beam": "The beam size must be a whole number from {lo} to {hi}.",
    "tf_err_kind": "Unknown attention kind; choose one of: {names}.",
    "tf_err_layer": "The layer must be a whole number from {lo} to {hi}.",
    "tf_err_head": "The head must be 'mean' or a whole number from {lo} to {hi}.",
    "tf_err_target": "The output token index must be from {lo} to {hi}.",
    "tf_err_topk": "Top-k must be a whole number from {lo} to {hi}.",
    "tf_err_dims": "Dimensions: up to 8 whole numbers from 0 to {hi}, separated by commas.",
    "tf_err_dmodel": "d_model must be an even whole number from {lo} to {hi}.",
    "tf_err_maxpos": "Positions must be a whole number from {lo} to {hi}.",
    "tf_err_k": "The offset k must be a whole number from {lo} to {hi}.",
    "tf_err_keys": "The number of keys must be a whole number from {lo} to {hi}.",
    "tf_err_warmup": "Warm-up steps must be a whole number from {lo} to {hi}.",
    "tf_err_steps": "Training steps must be a whole number from {lo} to {hi}.",
    "tf_err_eps": "ε_ls must be between {lo} and {hi}.",
    "tf_err_vocab": "The vocabulary shown must be a whole number from {lo} to {hi}.",
    "tf_err_maxn": "The longest n must be a whole number from {lo} to {hi}.",
    "tf_fig2": "Fig. 2 — (multi-head) attention at work: the cross-attention of a translation, head by head",
    "tf_table3": "Table 3 — the base and big models: parameters counted from our module (65 M, 213 M)",
    "tf_pe": "§3.5 — the sinusoidal positional encoding: the table and four of its dimensions",
    "quiz_tf_q": (
        "Without the 1/√d_k scale, what happens to softmax attention over 16 random keys as d_k "
        "grows to 1024?"
    ),
    "quiz_tf_spread": "it stays spread over the keys",
    "quiz_tf_one": "it saturates onto one key",
    "quiz_tf_uniform": "it becomes uniform",
    "quiz_tf_result": (
        "Measured on 256 random queries against {n} random keys (q, k ~ N(0, I); as in *Why √d_k*): "
        "at d_k = {d} the mean largest weight of softmax(q·k) is **{p_raw:.3f}**, of "
        "softmax(q·k/√d_k) {p_scaled:.3f} (uniform: {uni:.3f}). The raw scores' std is {sd:.1f}, so "
        "one key wins almost everything and the gradient reaching the scores shrinks to "
        "{g_raw:.3f} (scaled: {g_scaled:.3f}): this is why §3.2.1 divides by √d_k."
    ),
}

ZH = {
    "tf_claim": (
        "## Transformer：注意力就是你所需要的一切（Vaswani 等，2017）\n"
        "**论文的结论。** 翻译模型既不需要循环，也不需要卷积：只用注意力 softmax(QKᵀ/√d_k)V（式 1）"
        "搭建的编码器-解码器，加上表示词序的位置编码，就能比最好的循环和卷积模型翻译得更好"
        "（WMT 2014 英→德 28.4 BLEU），训练时间也只是它们的一小部分，因为所有位置都可以并行计算"
        "（表 1：顺序操作数为 O(1) 而不是 O(n)）。"
    ),
    "tf_sub_translate": "翻译与注意力",
    "tf_sub_steps": "逐步解码",
    "tf_sub_pe": "位置编码",
    "tf_sub_scale": "为什么除以 √d_k",
    "tf_sub_lr": "预热学习率",
    "tf_sub_ls": "标签平滑",
    "tf_sub_cx": "复杂度（表 1）",
    "tf_sub_check": "核对论文",
    "tf_translate_md": (
        "输入英语，模型用束搜索把它翻译成德语（长度惩罚 α = 0.6，§6.1；束宽 1 即贪心解码）。内置模型是本项目"
        "在 Multi30k 上训练的 7.6 M 参数 Transformer（图片描述语料：熟悉人物、动物、街道、运动；sacreBLEU 在 "
        "test 2016 上为 38.7，在 test 2017 上为 29.3；目标 test 2016 ≥ 36.0：已达到）。OPUS-MT（Helsinki-NLP 的 transformer-base，74 M："
        "英译德，以及中文页面默认的英译中）只要已在本机（或下载之后），就会代替它使用。"
    ),
    "tf_source": "英语",
    "tf_weights": "权重",
    "tf_beam": "束宽",
    "tf_translate": "翻译",
    "tf_output": "译文",
    "tf_examples": "示例",
    "tf_tokens_md": (
        "**源句**，{n_src} 个子词：{src}\n\n**译文**，{n_tgt} 个子词（下标为 id）：{tgt}\n\n"
        "束宽 {beam}，得分（对数概率 / 长度惩罚）{score:.3f}。"
    ),
    "tf_note_cut": "⚠ 你的文本有 {n} 个子词；只翻译了前 {m} 个（本演示的上限）。",
    "tf_note_chars": "⚠ 翻译前，你的文本被截断为前 {n:,} 个字符。",
    "tf_note_unk": "ℹ 有 {n} 个子词不在该模型的词表中，变成了 `<unk>`（表情符号、其他文字）：模型只在英语图片描述上训练过。",
    "tf_attn_md": (
        "**注意力图。** 行是**查询（query）**，列是**键（key）**：第 i 行表示位置 i 如何分配它的注意力（每行之和为 1）。"
        "把鼠标停在格子上可看到数值。解码器的行是解码器的*输入*——右移一位的输出，以起始符开头——所以第 i 行"
        "是预测第 i+1 个输出词元的那一步。"
    ),
    "tf_kind": "注意力",
    "tf_kind_short_encoder": "编码器自注意力",
    "tf_kind_short_decoder": "解码器掩码自注意力",
    "tf_kind_short_cross": "交叉注意力",
    "tf_layer": "层",
    "tf_head": "头",
    "tf_png": "此图的 PNG",
    "tf_target": "点击一个输出词元，查看它在源句中关注了哪里",
    "tf_kind_encoder": "编码器自注意力",
    "tf_kind_decoder": "解码器带掩码的自注意力",
    "tf_kind_cross": "编码器-解码器（交叉）注意力",
    "tf_layer_head": "第 {layer} 层，头 {head}",
    "tf_axes_encoder": "行：{rows} 个源词元（查询）；列：同样的 {cols} 个源词元（键）。",
    "tf_axes_decoder": "行：{rows} 个解码器输入（查询）；列：同样的 {cols} 个解码器输入（键）。带斜线的格子被掩码：一个位置永远看不到后面的位置（§3.2.3）。",
    "tf_axes_cross": "行：{rows} 个解码器输入（查询，来自解码器）；列：{cols} 个源词元（键和值，来自编码器的输出）。",
    "tf_corner": "查询 ↓ 键 →",
    "tf_masked": "被掩码（后面的位置）",
    "tf_align_md": "输出词元 **{tok}**（第 {j} 个）被预测时最关注 **{best}**（{w:.2f}）——交叉注意力，第 {layer} 层，头 {head}。",
    "tf_steps_intro": "解码器如何一次一个词元地生成译文（§3.1，§6.1）。按 **显示**（使用第一个子标签页中的句子、权重和束宽）。",
    "tf_topk": "显示前 k 个候选词元",
    "tf_show": "显示",
    "tf_shift_title": "1. 解码器的输入是右移一位的输出",
    "tf_shift_md": "在训练时以及最后一次教师强制的前向计算中，位置 t 接收它前面的词元，并且必须预测位置 t 的词元（起始符在最前，</s> 在最后）。",
    "tf_dec_in": "输入",
    "tf_dec_out": "预测",
    "tf_mask_title": "2. 因果掩码",
    "tf_mask_md": "行 = 查询位置，列 = 键位置；蓝色 = 可以关注，灰色 = 被掩码（softmax 之前置为 −∞）。",
    "tf_steps_title": "3. 搜索：束宽 {beam}，每个存活假设最可能的 {k} 个下一个词元",
    "tf_steps_md": (
        "每一行是某一步的一个假设（前缀），给出它的累计对数概率和最可能的下一个词元（概率）。"
        "搜索保留的每个扩展都标上 ✓ 和它新的累计 log P（→），即使它不在前 k 个之中：束搜索在所有假设的扩展中"
        "一起挑最好的，所以一个假设可能留下好几个扩展，另一个一个也没有（被丢弃）。以 </s> 结尾的扩展即完成，"
        "并用长度惩罚打分；其余的是下一步的假设。"
    ),
    "tf_col_step": "步",
    "tf_col_beam": "假设",
    "tf_col_prefix": "前缀",
    "tf_col_next": "下一个词元（P）",
    "tf_dropped": "被丢弃",
    "tf_finished": "已完成",
    "tf_steps_more": "……还有 {n} 步。",
    "tf_steps_result": "结果：<b>{text}</b>（得分 {score:.3f}）。",
    "tf_pe_intro": (
        "**位置编码（§3.5）。** PE(pos, 2i) = sin(pos/10000^(2i/d_model))，PE(pos, 2i+1) = cos(pos/10000^(2i/d_model))："
        "波长从 2π 到 10000·2π。论文选择它，是因为对任意固定的偏移 k，PE(pos+k) 都是 PE(pos) 的线性函数——下面用数值验证。"
    ),
    "tf_pe_d": "d_model",
    "tf_pe_max": "位置数",
    "tf_pe_dims": "要绘制的维度（逗号分隔）",
    "tf_pe_k": "偏移 k",
    "tf_pe_md": (
        "**PE(pos+{k}) = M_{k} · PE(pos)**，对每个 pos 都是同一个矩阵：M_{k} 是分块对角矩阵，每个 (sin, cos) 对对应一个"
        "旋转角为 k·ω_i 的 2×2 旋转，ω_i = 1/10000^(2i/d)。第一个块：[[{a:.4f}, {b:.4f}], [{c:.4f}, {e:.4f}]]。"
        "在全部 {n} 个位置和全部 {d} 个维度上，**max |PE(pos+k) − M_k·PE(pos)| = {err:.2e}**（float64）。这里最长的波长为 {wl:,.0f} 个位置。"
    ),
    "tf_scale_intro": (
        "**为什么除以 √d_k（§3.2.1）。** 如果 q 和 k 的各分量独立且方差为 1，q·k 的方差就是 d_k。不缩放时，d_k 越大，"
        "softmax 越被推向梯度极小的区域。下面是现场计算的随机查询对随机键的结果，比较缩放与不缩放。"
    ),
    "tf_keys": "键的个数",
    "tf_scale_md": (
        "共 {n} 个键（均匀注意力为 {uni:.3f}）。在论文的 d_k = 64 时，未缩放的 logits 标准差为 {sd:.1f}：最大权重"
        "未缩放 **{p64r:.2f}**，缩放后 **{p64s:.2f}**；梯度大小 **{g64r:.3f}** 对 **{g64s:.3f}**。在 d_k = 1024 时："
        "**{p1kr:.2f}** 对 **{p1ks:.2f}**，梯度 **{g1kr:.4f}** 对 **{g1ks:.3f}**。缩放让 logits 对任何 d_k 都保持单位方差。"
    ),
    "tf_lr_intro": "**学习率调度（§5.3，式 3）。** lrate = d_model^−0.5 · min(step^−0.5, step · warmup_steps^−1.5)：先线性预热，再按 1/√step 衰减。论文：warmup_steps = 4000。",
    "tf_lr_d": "d_model",
    "tf_lr_w": "预热步数",
    "tf_lr_steps": "训练步数",
    "tf_lr_md": (
        "d_model = {d}，预热 {w} 步：峰值在第 {w} 步，**lrate = {peak:.3e}**（= d_model^−0.5 · warmup^−0.5）；"
        "到第 {half} 步减半；第 {steps:,} 步时为 {end:.3e}。模型越宽，学习率越小（d_model^−0.5）。"
    ),
    "tf_ls_intro": (
        "**标签平滑（§5.4，ε_ls = 0.1）。** 训练目标不是 one-hot：真实词元得到 (1 − ε)，再把 ε 均匀分给整个词表。"
        "模型学会不那么确定——这会“损害困惑度，因为模型学得更不确定，但会提高准确率和 BLEU”。"
    ),
    "tf_ls_eps": "ε_ls",
    "tf_ls_v": "显示的词表大小",
    "tf_ls_md": (
        "ε = {eps:g}，{V} 个词元：真实词元的目标概率为 **{true:.4f}**，其他每个词元为 **{other:.4f}**。模型能达到的最低"
        "损失就是这个目标分布的熵，H(q) = {h:.3f} nats（不平滑时为 0）。用论文的 37,000 词表：H(q) = **{h37:.3f} nats**，"
        "即训练目标上的困惑度下限为 {ppl:.1f}。"
    ),
    "tf_cx_intro": (
        "**论文的表 1**：每层的计算量、顺序操作数，以及任意两个位置之间的最长路径（n：序列长度，d：宽度，k：卷积核，"
        "r：邻域大小）。当 n < d 时，自注意力每层比循环更便宜，而且不需要顺序步骤。**测量** 会在这台机器上为一个"
        "自注意力层和一个循环层计时（1 个线程，最多几秒）。"
    ),
    "tf_cx_maxn": "最长的 n",
    "tf_cx_d": "d",
    "tf_measure": "测量",
    "tf_cx_md": (
        "现场测得，d = {d}，批大小 1，每个 n 取 3 次中的最好成绩（共 {s:.1f} 秒）。在 CPU 上，循环层的 n 个顺序步骤"
        "只是便宜的矩阵-向量乘法，所以实测的交叉点不一定正好在 n = d；在并行硬件上，代价在于 O(n) 个顺序步骤。"
    ),
    "tf_cx_running": "计时中……n = {n} 已完成（d = {d}）；图在最后一个长度之后出现。",
    "tf_cx_when": "（以上是本服务器对这组设置的第一次计时，于 UTC {when} 测得；按 **测量** 重新计时。）",
    "tf_check_md": "论文的数字与我们的对照，现场由我们的模块（参数在 meta 设备上统计：只看形状）和已加载的目录计算。",
    "tf_chk_base": "Transformer base 的参数量（表 3）",
    "tf_chk_big": "Transformer big 的参数量（表 3）",
    "tf_chk_small": "我们内置的 Multi30k 模型的参数量",
    "tf_chk_pe": "位置编码 = 论文的公式（§3.5），d = 512，512 个位置",
    "tf_chk_shift": "PE(pos+k) 是 PE(pos) 的线性函数（§3.5），k = 5，d = 512",
    "tf_paper_shift": "“可以表示为线性函数”",
    "tf_chk_lr": "base 的峰值学习率（第 4000 步，式 3）",
    "tf_chk_bleu": "BLEU，英语→德语",
    "tf_why_base": (
        "{gap:+.1f}%：我们用共享的 37,000 词表（§5.1）和共享的嵌入矩阵（§3.4）统计：嵌入 {emb:,} + 编码器 {enc:,} + 解码器 {dec:,}。"
        "论文写的是“约 37000”个词元并做了四舍五入；要得到 65 M，词表需约 {v:,.0f}。不共享（三个矩阵）则为 {untied:.1f} M。"
    ),
    "tf_why_big": "{gap:+.1f}%：同样的词表和共享方式；在论文的四舍五入范围内一致。",
    "tf_why_small": "由模块的配置统计；目录中记录为 {meta:,}",
    "tf_why_pe": "模型的 float32 表与纯 Python 计算的 sin/cos 对比：在 float32 精度内一致",
    "tf_why_shift": "M_k = 旋转角为 k·ω_i 的 2×2 旋转：在 float64 舍入误差内精确成立",
    "tf_why_lr": "d_model^−0.5 · warmup^−0.5，来自 models.transformer.lr_rate",
    "tf_why_bleu": "不可比：论文是 base 模型在 newstest2014 上（训练数据 450 万句对）；我们是 Multi30k（29,000 条描述）的 test 2016 / test 2017，束宽 4，α = 0.6，sacreBLEU",
    "tf_err_empty": "请输入要翻译的英语句子（文本为空或只有空格）。",
    "tf_err_weights": "未知的权重；请从以下选择：{names}。",
    "tf_err_beam": "束宽必须是 {lo} 到 {hi} 之间的整数。",
    "tf_err_kind": "未知的注意力类型；请从以下选择：{names}。",
    "tf_err_layer": "层必须是 {lo} 到 {hi} 之间的整数。",
    "tf_err_head": "头必须是 'mean' 或 {lo} 到 {hi} 之间的整数。",
    "tf_err_target": "输出词元的序号必须在 {lo} 到 {hi} 之间。",
    "tf_err_topk": "k 必须是 {lo} 到 {hi} 之间的整数。",
    "tf_err_dims": "维度：最多 8 个 0 到 {hi} 之间的整数，用逗号分隔。",
    "tf_err_dmodel": "d_model 必须是 {lo} 到 {hi} 之间的偶数。",
    "tf_err_maxpos": "位置数必须是 {lo} 到 {hi} 之间的整数。",
    "tf_err_k": "偏移 k 必须是 {lo} 到 {hi} 之间的整数。",
    "tf_err_keys": "键的个数必须是 {lo} 到 {hi} 之间的整数。",
    "tf_err_warmup": "预热步数必须是 {lo} 到 {hi} 之间的整数。",
    "tf_err_steps": "训练步数必须是 {lo} 到 {hi} 之间的整数。",
    "tf_err_eps": "ε_ls 必须在 {lo} 到 {hi} 之间。",
    "tf_err_vocab": "显示的词表大小必须是 {lo} 到 {hi} 之间的整数。",
    "tf_err_maxn": "最长的 n 必须是 {lo} 到 {hi} 之间的整数。",
    "tf_fig2": "图 2 — （多头）注意力的实际效果：一次翻译的交叉注意力，可逐个头查看",
    "tf_table3": "表 3 — base 与 big 模型：由我们的模块统计的参数量（65 M、213 M）",
    "tf_pe": "§3.5 — 正弦位置编码：编码表及其中四个维度",
    "quiz_tf_q": "如果不除以 √d_k，当 d_k 增大到 1024 时，对 16 个随机键的 softmax 注意力会怎样？",
    "quiz_tf_spread": "仍然分散在各个键上",
    "quiz_tf_one": "饱和：几乎全部集中到一个键上",
    "quiz_tf_uniform": "变得均匀",
    "quiz_tf_result": (
        "用 256 个随机查询对 {n} 个随机键测得（q, k ~ N(0, I)；与 *为什么除以 √d_k* 相同）：d_k = {d} 时，"
        "softmax(q·k) 的平均最大权重为 **{p_raw:.3f}**，softmax(q·k/√d_k) 为 {p_scaled:.3f}（均匀分布：{uni:.3f}）。"
        "未缩放分数的标准差为 {sd:.1f}，所以一个键几乎拿走全部权重，传到分数上的梯度缩小到 {g_raw:.3f}"
        "（缩放后：{g_scaled:.3f}）：这就是 §3.2.1 除以 √d_k 的原因。"
    ),
}

register(EN, ZH)
