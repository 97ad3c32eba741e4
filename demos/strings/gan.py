"""The GAN tab's strings (English, Chinese), registered when this module is imported."""

from demos.i18n import register

EN = {
    "gan_claim": (
        "## Generative Adversarial Nets (Goodfellow et al., 2014)\n"
        "**The paper's claim.** Train two networks against each other: a generator G turns noise z "
        "into samples, a discriminator D tells them from real data. The game min_G max_D "
        "E log D(x) + E log(1 − D(G(z))) (Eq. 1) has its optimum where G reproduces the data "
        "distribution, p_g = p_data; there D* = 1/2 everywhere and the value of the game is −log 4 "
        "(§4, Thm. 1). No Markov chains, no approximate inference: only backpropagation."
    ),
    "gan_sub_samples": "Samples & latent space",
    "gan_sub_1d": "Fig. 1, live (1-D)",
    "gan_sub_2d": "2-D game",
    "gan_sub_quality": "Quality",
    "gan_sub_check": "Paper check",
    "gan_weights": "Generator",
    "gan_seed": "Seed (first digit)",
    "gan_n": "Grid size (digits)",
    "gan_sample": "Sample",
    "gan_grid": "Samples: click a digit to use its seed",
    "gan_next_pick": "A click sets",
    "gan_samples_md": (
        "Digits from seeds **{first}–{last}** (one seed = one z ~ N(0, I), {d} numbers). "
        "‖z‖: first digit {first_norm:.2f}; mean {mean:.2f}, range {lo:.2f}–{hi:.2f} "
        "(in {d} dimensions almost all of N(0, I) lies near ‖z‖ ≈ {expect:.2f})."
    ),
    "gan_interp_intro": (
        "**Walk through the latent space.** Pick two seeds (or click two digits on the left). "
        "The straight line (lerp) between two z passes close to the origin, where the prior has "
        "almost no mass; the great-circle arc (slerp) keeps ‖z‖ where the generator was trained. "
        "The noise is fixed by the seeds, so the morph is smooth."
    ),
    "gan_seed_a": "Seed A",
    "gan_seed_b": "Seed B",
    "gan_steps": "Steps (N)",
    "gan_mode": "Path",
    "gan_mode_walk": "random walk",
    "gan_interpolate": "Interpolate",
    "gan_strip": "lerp (top) and slerp (bottom), or the random walk",
    "gan_gif": "Animated GIF",
    "gan_gif_file": "Download the GIF",
    "gan_interp_md": (
        "Seed {a} → seed {b}, {steps} steps. ‖z‖ at the ends: {na:.2f} and {nb:.2f}; midway: "
        "**lerp {lerp_mid:.2f}**, **slerp {slerp_mid:.2f}**."
    ),
    "gan_walk_md": (
        "Random walk from seed {a}, {steps} steps: z ← cos(a)·z + sin(a)·ε with fresh ε ~ N(0, I), "
        "so each step stays where the prior puts its mass (‖z‖ from {lo:.2f} to {hi:.2f})."
    ),
    "gan_1d_md": (
        "**The paper's Fig. 1, live.** Data p_data = N(1, 0.5²) (black, dotted); the generator maps "
        "z ~ U(−1, 1) (lower line) to x = G(z) (arrows) and so defines p_g (green); the "
        "discriminator D (blue, dashed) is trained to tell them apart; the optimal D* = p_data / "
        "(p_data + p_g) for the current G is drawn in orange (Prop. 1). At the optimum p_g = p_data, "
        "D = D* = 1/2 and the value of the game is −log 4. With these settings the saturating loss "
        "log(1 − D(G(z))) of Eq. 1 converges too: Adam divides each of G's steps by the gradient's "
        "running size. **Saturation (§3)**, below, starts where D rejects G's samples confidently "
        "and measures G's gradient under both losses."
    ),
    "gan_sat_title": "### Saturation (§3): G's gradient under both losses",
    "gan_sat_md": (
        "§3: “Early in learning, when G is poor, D can reject samples with high confidence … In this "
        "case, log(1 − D(G(z))) saturates.” Both runs start from one state: G's samples around x = −3, "
        "far left of the data, and D trained alone for 300 steps until it rejects them. Then "
        "Algorithm 1 (k = 1) runs once with each generator loss, on the same minibatches, and G's "
        "gradient norm is read at every update. Choose G's optimizer: SGD with momentum (as in the "
        "paper) or Adam (as in the game above)."
    ),
    "gan_sat_opt": "G's optimizer",
    "gan_sat_sgd": "SGD + momentum (paper)",
    "gan_sat_adam": "Adam (the game's)",
    "gan_sat_sgd_name": "SGD with momentum 0.9",
    "gan_sat_adam_name": "Adam",
    "gan_sat_run": "Compare the losses",
    "col_sat_step": "G update",
    "col_sat_grad_ns": "‖∇G‖, −log D(G(z))",
    "col_sat_grad_s": "‖∇G‖, log(1 − D(G(z)))",
    "col_sat_ratio": "ratio",
    "col_sat_d_ns": "D(G(z)), −log D",
    "col_sat_d_s": "D(G(z)), log(1 − D)",
    "gan_sat_result": (
        "**Measured, G with {opt} (lr {lr:g}):** at the first update D(G(z)) = {d0:.4f} and G's "
        "gradient norm is **{g_ns:.3g}** with −log D(G(z)) but **{g_s:.3g}** with log(1 − D(G(z))), "
        "{ratio:,.0f}× smaller. After {steps} updates the mean of G(z) is {m_ns:.2f} vs {m_s:.2f} "
        "(data: 1.0, start: {m0:.2f}) and D(G(z)) {d_ns:.3f} vs {d_s:.3f}."
    ),
    "gan_sat_stuck": (
        "The saturating loss left G where it started ({moved:.0%} of the way to the data): its "
        "gradient stayed too small to move it, which is why the paper trains G to maximize log D(G(z))."
    ),
    "gan_sat_rescued": (
        "Both losses reached the data here ({moved:.0%} of the way): {opt} rescales the small "
        "gradient, so the saturation costs little here; choose SGD to compare."
    ),
    "gan_k": "k (D steps per G step)",
    "gan_lr_d": "learning rate of D",
    "gan_lr_g": "learning rate of G",
    "gan_loss": "generator loss",
    "gan_game_steps": "training steps (G updates)",
    "gan_run": "Run",
    "gan_stop": "Stop",
    "gan_status": "Status",
    "gan_training": "training",
    "gan_1d_status": (
        "Step {step} of {steps} ({seconds:.1f} s): mean D on data **{d_data:.3f}**, on G(z) "
        "**{d_fake:.3f}**; C(G) = {c:.3f} (−log 4 = −1.386 at the optimum)."
    ),
    "gan_1d_cached": (
        "Recorded run with the default settings, step {steps}: D on the data **{d_data:.3f}**, on G(z) "
        "**{d_fake:.3f}**; C(G) = {c:.3f} (−log 4 = −1.386 at the optimum). Press **Run** to train live."
    ),
    "gan_fig1": "Fig. 1 — the 1-D game: p_data, p_g, D and D* (recorded run)",
    "gan_fig2": "Fig. 2 — samples from the generator (seeds 0–63)",
    "gan_fig3": "Fig. 3 — digits interpolated between two points of z",
    "gan_check_title": "Paper check, from this run",
    "gan_chk_c": "C(G) = max_D V(G, D) = −log 4 + 2·JSD(p_data ‖ p_g) (Thm. 1)",
    "gan_chk_v": "V(D, G) with the current D (Eq. 1, on samples)",
    "gan_chk_dstar": "D*(x) = p_data / (p_data + p_g), averaged over p_data (Prop. 1)",
    "gan_chk_ddata": "mean D(x) on data samples",
    "gan_chk_dfake": "mean D(G(z)) on generated samples",
    "gan_chk_suffix": " [1-D run, default settings]",
    "gan_chk_real": "Parzen log-likelihood of 10,000 real training images, same protocol (reference: real data)",
    "gan_chk_parzen": "Parzen log-likelihood, MNIST test ({name}; Table 1: adversarial nets)",
    "gan_2d_md": (
        "**A 2-D game (in the style of GAN Lab).** Data: eight Gaussians on a ring. Background: "
        "the discriminator's D(x) (green = looks like data). Orange: generated points from fixed "
        "noise. **Mode collapse** preset: a discriminator far ahead of the generator (k = 5 steps at "
        "10× G's learning rate): G's points gather on one or two modes where D is least sure and "
        "stay there. **Cover the modes** preset: Algorithm 1 as in the paper, k = 1 and equal "
        "learning rates: G spreads over all eight modes within about 1,500 steps."
    ),
    "gan_preset": "Preset",
    "gan_preset_collapse": "mode collapse",
    "gan_preset_cover": "cover the modes",
    "gan_std": "std of each Gaussian",
    "gan_2d_status": (
        "Step {step} of {steps} ({seconds:.1f} s): **{covered} of {n} modes** covered, "
        "{hq:.0f}% of the samples within 3 std of a mode."
    ),
    "gan_2d_cached": (
        "Recorded run with these settings, step {step}: **{covered} of {n} modes** covered, "
        "{hq:.0f}% of the samples within 3 std of a mode. Press **Run** to train it live."
    ),
    "gan_quality_md": (
        "Measured by this project on the MNIST test set (10,000 images) with 10,000 samples of each "
        "generator (`training/gan_eval.py`):\n\n"
        "| generator | Parzen log-likelihood (nats) | legible: p ≥ 0.9 | smallest digit share | "
        "Fréchet distance | FD of real data | epochs / training time |\n"
        "|---|---|---|---|---|---|---|\n{rows}\n\n"
        "**Parzen window** (the paper's metric, Table 1: adversarial nets {paper}): σ chosen on the "
        "validation split (the last 10,000 training images). A Parzen estimate in 784 dimensions is "
        'a poor likelihood (Theis et al. 2016): 10,000 real training images used as the "samples" '
        "score 243.1 ± 1.9 the same way (Theis et al. report 243). **Legible**: the share of samples "
        "the project's MNIST classifier calls a digit with probability ≥ 0.9, beside that of the "
        "test digits (target: at least 0.9 × theirs). **Mode coverage**: the share of "
        "each digit among the samples, by the project's MNIST "
        "classifier (target: every digit ≥ 7%). **Fréchet distance** on that classifier's 128 features; "
        '"FD of real data" is 10,000 training images vs the test set, the value to aim for.'
    ),
    "gan_quality_missing": "The generators' measurements are not in this copy of the catalogue yet.",
    "gan_check_md": (
        "The paper's numbers beside ours. The theory rows (Prop. 1, Thm. 1) are measured at the end "
        "of the 1-D game with its default settings (run once when this tab opens, a few seconds); "
        "the Parzen rows come from `training/gan_eval.py`. Agreement: within 0.15 nats for C(G) and "
        "V(D, G), within 0.05 for D."
    ),
    "gan_err_weights": "Unknown generator; choose one of: {names}.",
    "gan_err_seed": "Seeds must be whole numbers from {lo} to {hi}.",
    "gan_err_grid": "The grid holds {lo} to {hi} digits.",
    "gan_err_steps": "Steps must be whole numbers from {lo} to {hi}.",
    "gan_err_lr": "Learning rates must be between {lo:g} and {hi:g}.",
    "gan_err_k": "k (D steps per G step) must be a whole number from {lo} to {hi}.",
    "gan_err_std": "The std of each Gaussian must be between {lo:g} and {hi:g}.",
    "gan_err_choice": "Unknown option {value!r}; choose one of: {names}.",
    "quiz_gan_q": "At the game's optimum (p_g = p_data), what does the best discriminator D* output for any x?",
    "quiz_gan_0": "0 (everything is fake)",
    "quiz_gan_half": "1/2 (cannot tell)",
    "quiz_gan_1": "1 (everything is real)",
    "quiz_gan_result": (
        "Prop. 1: D*(x) = p_data(x) / (p_data(x) + p_g(x)); when p_g = p_data that is 1/2 for every x. "
        "Measured on the 1-D game of Fig. 1 (default settings, {steps} steps): D* averaged over the data "
        "**{dstar:.3f}**, within 0.1 of 1/2 for {near:.0f}% of the data (where p_g still puts little "
        "mass, D* rises toward 1); the trained D gives {d_data:.3f} on real and {d_fake:.3f} on "
        "generated samples; C(G) = {c:.3f} (−log 4 = −1.386)."
    ),
}

ZH = {
    "gan_claim": (
        "## 生成对抗网络（Goodfellow 等，2014）\n"
        "**论文的结论。** 让两个网络相互对抗：生成器 G 把噪声 z 变成样本，判别器 D 把它们与真实数据区分开。"
        "博弈 min_G max_D E log D(x) + E log(1 − D(G(z)))（式 1）的最优点是 G 重现数据分布，p_g = p_data；"
        "此时处处 D* = 1/2，博弈的值为 −log 4（§4，定理 1）。不需要马尔可夫链，也不需要近似推断：只用反向传播。"
    ),
    "gan_sub_samples": "样本与隐空间",
    "gan_sub_1d": "图 1，现场演示（一维）",
    "gan_sub_2d": "二维博弈",
    "gan_sub_quality": "质量",
    "gan_sub_check": "核对论文",
    "gan_weights": "生成器",
    "gan_seed": "种子（第一个数字）",
    "gan_n": "网格大小（数字个数）",
    "gan_sample": "采样",
    "gan_grid": "样本：点击一个数字即可使用它的种子",
    "gan_next_pick": "点击设置",
    "gan_samples_md": (
        "来自种子 **{first}–{last}** 的数字（一个种子对应一个 z ~ N(0, I)，共 {d} 个数）。"
        "‖z‖：第一个数字 {first_norm:.2f}；平均 {mean:.2f}，范围 {lo:.2f}–{hi:.2f}"
        "（在 {d} 维中，N(0, I) 的几乎全部质量都在 ‖z‖ ≈ {expect:.2f} 附近）。"
    ),
    "gan_interp_intro": (
        "**在隐空间中漫游。** 选两个种子（或在左边点击两个数字）。两个 z 之间的直线插值（lerp）会经过原点附近，"
        "那里先验几乎没有质量；大圆弧插值（slerp）让 ‖z‖ 保持在生成器训练时所见的范围。噪声由种子固定，所以变形是平滑的。"
    ),
    "gan_seed_a": "种子 A",
    "gan_seed_b": "种子 B",
    "gan_steps": "步数（N）",
    "gan_mode": "路径",
    "gan_mode_walk": "随机游走",
    "gan_interpolate": "插值",
    "gan_strip": "lerp（上）与 slerp（下），或随机游走",
    "gan_gif": "GIF 动画",
    "gan_gif_file": "下载 GIF",
    "gan_interp_md": (
        "种子 {a} → 种子 {b}，{steps} 步。两端的 ‖z‖：{na:.2f} 和 {nb:.2f}；中点处："
        "**lerp {lerp_mid:.2f}**，**slerp {slerp_mid:.2f}**。"
    ),
    "gan_walk_md": (
        "从种子 {a} 出发的随机游走，{steps} 步：z ← cos(a)·z + sin(a)·ε，ε ~ N(0, I) 每步重新抽取，"
        "因此每一步都停留在先验质量所在之处（‖z‖ 从 {lo:.2f} 到 {hi:.2f}）。"
    ),
    "gan_1d_md": (
        "**论文图 1，现场演示。** 数据 p_data = N(1, 0.5²)（黑色点线）；生成器把 z ~ U(−1, 1)（下方的线）映射为 "
        "x = G(z)（箭头），由此得到 p_g（绿色）；判别器 D（蓝色虚线）被训练来区分二者；当前 G 下的最优判别器 "
        "D* = p_data / (p_data + p_g) 用橙色画出（命题 1）。在最优点 p_g = p_data，D = D* = 1/2，博弈的值为 −log 4。"
        "在这些设置下，式 1 的饱和损失 log(1 − D(G(z))) 同样收敛：Adam 会把 G 的每一步除以梯度的滑动平均大小。"
        "下面的 **饱和（§3）** 从 D 能很有把握地拒绝 G 的样本的状态出发，测量两种损失下 G 的梯度。"
    ),
    "gan_sat_title": "### 饱和（§3）：两种损失下 G 的梯度",
    "gan_sat_md": (
        "§3：“在学习初期，G 还很差时，D 能以很高的置信度拒绝样本……此时 log(1 − D(G(z))) 会饱和。”"
        "两次运行从同一个状态出发：G 的样本在 x = −3 附近，远在数据左侧；D 先单独训练 300 步，直到能拒绝它们。"
        "然后用每种生成器损失各运行一次算法 1（k = 1），使用相同的小批量，并在每次更新时读取 G 的梯度范数。"
        "可选择 G 的优化器：带动量的 SGD（与论文相同）或 Adam（与上面的博弈相同）。"
    ),
    "gan_sat_opt": "G 的优化器",
    "gan_sat_sgd": "SGD + 动量（论文）",
    "gan_sat_adam": "Adam（上面的博弈）",
    "gan_sat_sgd_name": "带动量 0.9 的 SGD",
    "gan_sat_adam_name": "Adam",
    "gan_sat_run": "比较两种损失",
    "col_sat_step": "G 更新",
    "col_sat_grad_ns": "‖∇G‖，−log D(G(z))",
    "col_sat_grad_s": "‖∇G‖，log(1 − D(G(z)))",
    "col_sat_ratio": "比值",
    "col_sat_d_ns": "D(G(z))，−log D",
    "col_sat_d_s": "D(G(z))，log(1 − D)",
    "gan_sat_result": (
        "**实测，G 使用 {opt}（学习率 {lr:g}）：** 第一次更新时 D(G(z)) = {d0:.4f}，G 的梯度范数在 −log D(G(z)) 下为 "
        "**{g_ns:.3g}**，在 log(1 − D(G(z))) 下只有 **{g_s:.3g}**，小 {ratio:,.0f} 倍。{steps} 次更新后，G(z) 的均值为 "
        "{m_ns:.2f} 对 {m_s:.2f}（数据：1.0，起点：{m0:.2f}），D(G(z)) 为 {d_ns:.3f} 对 {d_s:.3f}。"
    ),
    "gan_sat_stuck": (
        "饱和损失让 G 停在原地（只走了到数据距离的 {moved:.0%}）：它的梯度太小，推不动 G——这正是论文改为让 G "
        "最大化 log D(G(z)) 的原因。"
    ),
    "gan_sat_rescued": (
        "这里两种损失都到达了数据（走完了 {moved:.0%}）：{opt} 会放大很小的梯度，所以这里饱和的代价不大；选择 SGD 对比一下。"
    ),
    "gan_k": "k（每步 G 对应的 D 步数）",
    "gan_lr_d": "D 的学习率",
    "gan_lr_g": "G 的学习率",
    "gan_loss": "生成器损失",
    "gan_game_steps": "训练步数（G 的更新次数）",
    "gan_run": "运行",
    "gan_stop": "停止",
    "gan_status": "状态",
    "gan_training": "训练中",
    "gan_1d_status": (
        "第 {step} / {steps} 步（{seconds:.1f} 秒）：D 在数据上的平均值 **{d_data:.3f}**，在 G(z) 上 "
        "**{d_fake:.3f}**；C(G) = {c:.3f}（最优点处为 −log 4 = −1.386）。"
    ),
    "gan_1d_cached": (
        "默认设置下记录的运行，第 {steps} 步：D 在数据上的平均值 **{d_data:.3f}**，在 G(z) 上 **{d_fake:.3f}**；"
        "C(G) = {c:.3f}（最优点处为 −log 4 = −1.386）。按 **运行** 现场训练。"
    ),
    "gan_fig1": "图 1 — 一维博弈：p_data、p_g、D 与 D*（记录的运行）",
    "gan_fig2": "图 2 — 生成器的样本（种子 0–63）",
    "gan_fig3": "图 3 — 在 z 的两点之间插值得到的数字",
    "gan_check_title": "核对论文（来自本次运行）",
    "gan_chk_c": "C(G) = max_D V(G, D) = −log 4 + 2·JSD(p_data ‖ p_g)（定理 1）",
    "gan_chk_v": "当前 D 下的 V(D, G)（式 1，在样本上估计）",
    "gan_chk_dstar": "D*(x) = p_data / (p_data + p_g) 在 p_data 上的平均（命题 1）",
    "gan_chk_ddata": "数据样本上 D(x) 的平均",
    "gan_chk_dfake": "生成样本上 D(G(z)) 的平均",
    "gan_chk_suffix": " [一维演示，默认设置]",
    "gan_chk_real": "同样方法下 10,000 张真实训练图像的 Parzen 对数似然（参考：真实数据）",
    "gan_chk_parzen": "Parzen 对数似然，MNIST 测试集（{name}；表 1：对抗网络）",
    "gan_2d_md": (
        "**二维博弈（仿 GAN Lab）。** 数据：环上的八个高斯分布。背景：判别器的 D(x)（绿色 = 像数据）。"
        "橙色：由固定噪声生成的点。**模式坍塌** 预设：判别器远远领先于生成器（k = 5 步，学习率是 G 的 10 倍）："
        "G 的点聚到 D 最不确定的一两个模式上，并停留在那里。**覆盖所有模式** 预设：按论文的算法 1，k = 1、学习率相同："
        "G 在约 1,500 步内分布到全部八个模式上。"
    ),
    "gan_preset": "预设",
    "gan_preset_collapse": "模式坍塌",
    "gan_preset_cover": "覆盖所有模式",
    "gan_std": "每个高斯分布的标准差",
    "gan_2d_status": "第 {step} / {steps} 步（{seconds:.1f} 秒）：覆盖了 **{n} 个模式中的 {covered} 个**，{hq:.0f}% 的样本在某个模式的 3 倍标准差之内。",
    "gan_2d_cached": (
        "按这些设置记录的运行，第 {step} 步：覆盖了 **{n} 个模式中的 {covered} 个**，{hq:.0f}% 的样本在某个模式的 3 倍标准差之内。"
        "按 **运行** 现场训练。"
    ),
    "gan_quality_md": (
        "由本项目在 MNIST 测试集（10,000 张图像）上测得，每个生成器各取 10,000 个样本（`training/gan_eval.py`）：\n\n"
        "| 生成器 | Parzen 对数似然（nats） | 可辨认：p ≥ 0.9 | 最少数字的占比 | Fréchet 距离 | 真实数据的 FD | epoch 数 / 训练时间 |\n"
        "|---|---|---|---|---|---|---|\n{rows}\n\n"
        "**Parzen 窗**（论文的指标，表 1：对抗网络 {paper}）：σ 在验证集（训练集最后 10,000 张图像）上选取。"
        "在 784 维中 Parzen 估计并不是好的似然（Theis 等，2016）：用同样的方法，把 10,000 张真实训练图像当作“样本”，得分为 243.1 ± 1.9（Theis 等报告的是 243）。"
        "**可辨认**：本项目的 MNIST 分类器以 ≥ 0.9 的概率判为某个数字的样本占比，旁边是测试集数字的占比（目标：至少是它的 0.9 倍）。"
        "**模式覆盖**：样本中每个数字的占比，由本项目的 MNIST 分类器判定（目标：每个数字 ≥ 7%）。"
        "**Fréchet 距离** 基于该分类器的 128 维特征；“真实数据的 FD”是 10,000 张训练图像与测试集之间的值，即努力的目标。"
    ),
    "gan_quality_missing": "此副本的权重目录中还没有生成器的测量结果。",
    "gan_check_md": (
        "论文的数字与我们的对照。理论行（命题 1、定理 1）在一维博弈默认设置运行结束时测得（打开此标签页时运行一次，几秒钟）；"
        "Parzen 行来自 `training/gan_eval.py`。一致的标准：C(G) 与 V(D, G) 相差 0.15 nats 以内，D 相差 0.05 以内。"
    ),
    "gan_err_weights": "未知的生成器；请从以下选择：{names}。",
    "gan_err_seed": "种子必须是 {lo} 到 {hi} 之间的整数。",
    "gan_err_grid": "网格可容纳 {lo} 到 {hi} 个数字。",
    "gan_err_steps": "步数必须是 {lo} 到 {hi} 之间的整数。",
    "gan_err_lr": "学习率必须在 {lo:g} 到 {hi:g} 之间。",
    "gan_err_k": "k（每步 G 对应的 D 步数）必须是 {lo} 到 {hi} 之间的整数。",
    "gan_err_std": "每个高斯分布的标准差必须在 {lo:g} 到 {hi:g} 之间。",
    "gan_err_choice": "未知的选项 {value!r}；请从以下选择：{names}。",
    "quiz_gan_q": "在博弈的最优点（p_g = p_data），最优判别器 D* 对任意 x 输出什么？",
    "quiz_gan_0": "0（全是假的）",
    "quiz_gan_half": "1/2（无法分辨）",
    "quiz_gan_1": "1（全是真的）",
    "quiz_gan_result": (
        "命题 1：D*(x) = p_data(x) / (p_data(x) + p_g(x))；当 p_g = p_data 时，对每个 x 都等于 1/2。"
        "在图 1 的一维博弈上测得（默认设置，{steps} 步）：D* 在数据上的平均为 **{dstar:.3f}**，"
        "在 {near:.0f}% 的数据上与 1/2 相差不超过 0.1（p_g 质量仍然很少的地方，D* 趋近于 1）；"
        "训练出的 D 对真实样本给出 {d_data:.3f}，对生成样本给出 {d_fake:.3f}；C(G) = {c:.3f}（−log 4 = −1.386）。"
    ),
}

register(EN, ZH)
