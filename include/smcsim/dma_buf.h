/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Normal world: the little of Linux's dma-buf that protected memory needs.
 * A dma-buf is a reference-counted buffer with an exporter's ops; the file
 * descriptor user space holds is one reference (dma_buf_put() is close()).
 * The only exporter in the simulation is the TEE's dma-heaps (tee_heap.c);
 * tests may export their own to stand for another driver's buffers.
 */
#ifndef SMCSIM_DMA_BUF_H
#define SMCSIM_DMA_BUF_H

#include <stddef.h>

#include <smcsim/rt.h>

struct dma_buf;

/**
 * struct dma_buf_ops - an exporter's operations
 * @release:	the last reference went; free the buffer's memory
 */
struct dma_buf_ops {
	void (*release)(struct dma_buf *dmabuf);
};

/**
 * struct dma_buf - a shared buffer
 * @ops:	the exporter; also how importers recognise whose buffer it is
 * @priv:	the exporter's data
 * @size:	bytes
 * @refcount:	the holders: file descriptors and importers
 */
struct dma_buf {
	const struct dma_buf_ops *ops;
	void *priv;
	size_t size;
	struct rt_kref refcount;
};

/**
 * dma_buf_export() - wrap an exporter's buffer, with one reference
 * Return: 0 and *@out, -EINVAL (no ops or release), -ENOMEM.
 */
int dma_buf_export(const struct dma_buf_ops *ops, void *priv, size_t size,
		   struct dma_buf **out);
/** get_dma_buf() - take a reference */
void get_dma_buf(struct dma_buf *dmabuf);
/** dma_buf_put() - drop one; the last calls ops->release and frees @dmabuf */
void dma_buf_put(struct dma_buf *dmabuf);

#endif /* SMCSIM_DMA_BUF_H */
