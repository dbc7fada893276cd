using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScaleLab.Orchestrator.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class DefaultCorpusSplits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "default_corpus_splits",
                columns: table => new
                {
                    tokenizer = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    train_tokens = table.Column<long>(type: "bigint", nullable: false),
                    content_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    reported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_default_corpus_splits", x => x.tokenizer);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "default_corpus_splits");
        }
    }
}
