"""Offline data and generated tasks, as tensors. Nothing here downloads unless asked to.

- `digits`          scikit-learn's 8x8 digits, read from inside the installed package
- `images`          digits, Fashion-MNIST and CIFAR-10 for the ResNet lab, from local files
- `series`          real series (Seattle weather, monthly stock prices) cut into windows
- `recall_task`     first-token recall, the memory lab's task
- `korean_numbers`  Korean digits, number words and dates <-> digits: the translation task,
                    its vocabulary and its batches
The csv files beside these modules are public data; `SOURCES.md` gives their origin and licence.
"""
